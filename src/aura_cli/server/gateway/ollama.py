"""Ollama-compatible routes: ``/api/chat``, ``/api/generate``, ``/api/tags``, ``/api/ps``, ``/api/show``."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import JSONBody
from litestar.response import Stream

from aura_cli.server.deps import GatewayDep
from aura_cli.server.errors import ERRORS
from aura_cli.server.gateway.openai import openai_tools
from aura_cli.server.gateway.upstream import Gateway, PartStream, Reply, Target
from aura_cli.server.gateway.wire import (
    OllamaChatIn,
    OllamaGenerateIn,
    OllamaMessage,
    OllamaOptions,
    OllamaShowIn,
)
from aura_cli.server.openapi import NDJSON_OR_JSON
from aura_core.errors import AuraError, UsageError
from aura_core.messages import Message, ToolCall, ToolSpec
from aura_core.providers.base import ModelRequest, Sampling, Stop, TextDelta, ToolCallPart, Usage

__all__ = ["OllamaController"]

_NDJSON = "application/x-ndjson"
_encode = msgspec.json.encode


def _now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


def _sampling(options: OllamaOptions | None) -> Sampling:
    o = options or OllamaOptions()
    return Sampling(
        temperature=o.temperature,
        top_p=o.top_p,
        top_k=o.top_k,
        min_p=o.min_p,
        repeat_penalty=o.repeat_penalty,
        seed=o.seed,
        max_tokens=o.num_predict if o.num_predict and o.num_predict > 0 else None,
    )


def _messages(items: list[OllamaMessage]) -> list[Message]:
    """Ollama tool calls carry no ids: number them, and match results to calls in order."""
    out: list[Message] = []
    pending: list[ToolCall] = []
    for n, m in enumerate(items):
        if m.role == "assistant":
            pending = [
                ToolCall(f"call_{n}_{i}", c.function.name, dict(c.function.arguments))
                for i, c in enumerate(m.tool_calls or [])
            ]
            out.append(Message(role="assistant", content=m.content, tool_calls=list(pending)))
        elif m.role == "tool":
            match = next((c for c in pending if c.name == m.tool_name), None) or (
                pending[0] if pending else None
            )
            if match is not None:
                pending.remove(match)
            out.append(
                Message(
                    role="tool",
                    content=m.content,
                    name=m.tool_name or (match.name if match else None),
                    tool_call_id=match.id if match else f"call_{n}",
                )
            )
        else:
            out.append(Message(role=m.role, content=m.content))
    return out


def _final(target: Target, usage: Usage, reason: str, started: float) -> dict[str, object]:
    return {
        "model": target.model_id,
        "created_at": _now(),
        "done": True,
        "done_reason": reason,
        "total_duration": int((time.perf_counter() - started) * 1e9),
        "load_duration": 0,
        "prompt_eval_count": usage.input_tokens,
        "prompt_eval_duration": 0,
        "eval_count": usage.output_tokens,
        "eval_duration": 0,
    }


def _reason(stop: str) -> str:
    return "length" if stop == "max_tokens" else "stop"


async def _lines(
    stream: PartStream, target: Target, chat: bool, started: float
) -> AsyncIterator[bytes]:
    def line(payload: dict[str, object]) -> bytes:
        return _encode(payload) + b"\n"

    def piece(text: str, calls: list[ToolCall] | None = None) -> dict[str, object]:
        if not chat:
            return {"model": target.model_id, "created_at": _now(), "response": text, "done": False}
        message: dict[str, object] = {"role": "assistant", "content": text}
        if calls:
            message["tool_calls"] = [
                {"function": {"name": c.name, "arguments": c.arguments}} for c in calls
            ]
        return {"model": target.model_id, "created_at": _now(), "message": message, "done": False}

    reason = "stop"
    try:
        async for part in stream:
            if isinstance(part, TextDelta):
                yield line(piece(part.text))
            elif isinstance(part, ToolCallPart) and chat:
                yield line(piece("", [part.call]))
            elif isinstance(part, Stop):
                reason = _reason(part.reason)
    except AuraError as exc:
        yield line({"error": exc.message})
        return
    final = _final(target, stream.usage, reason, started)
    final |= {"message": {"role": "assistant", "content": ""}} if chat else {"response": ""}
    yield line(final)


def _whole(reply: Reply, target: Target, chat: bool, started: float) -> dict[str, object]:
    body = _final(target, reply.usage, _reason(reply.stop), started)
    if not chat:
        return body | {"response": reply.text}
    message: dict[str, object] = {"role": "assistant", "content": reply.text}
    if reply.tool_calls:
        message["tool_calls"] = [
            {"function": {"name": c.name, "arguments": c.arguments}} for c in reply.tool_calls
        ]
    return body | {"message": message}


def _model_entry(model_id: str) -> dict[str, object]:
    provider = model_id.partition(":")[0]
    return {
        "name": model_id,
        "model": model_id,
        "modified_at": "1970-01-01T00:00:00Z",
        "size": 0,
        "digest": "",
        "details": {
            "format": "gguf" if provider == "local" else "",
            "family": provider,
            "families": [provider],
            "parameter_size": "",
            "quantization_level": "",
        },
    }


class OllamaController(Controller):
    """The Ollama API surface, served by any Aura provider (NDJSON streams)."""

    tags = ["gateway: ollama"]

    async def _serve(
        self,
        gateway: Gateway,
        request: Request,
        model: str,
        messages: list[Message],
        tools: list[ToolSpec],
        sampling: Sampling,
        stream: bool,
        chat: bool,
    ) -> Response:
        started = time.perf_counter()
        target = gateway.resolve(model)
        model_request = ModelRequest(
            model=target.model, messages=messages, tools=tools, sampling=sampling
        )
        if stream:
            parts = await gateway.open(request.scope, target, model_request)
            return Stream(_lines(parts, target, chat, started), media_type=_NDJSON)
        reply = await gateway.complete(request.scope, target, model_request)
        return Response(_whole(reply, target, chat, started))

    @post(
        "/api/chat",
        operation_class=NDJSON_OR_JSON,
        responses=ERRORS,
        status_code=200,
        summary="Ollama chat (NDJSON stream by default)",
    )
    async def chat(
        self, gateway: GatewayDep, request: Request, data: JSONBody[OllamaChatIn]
    ) -> Response:
        """Chat with tools; streams one JSON object per line unless ``stream`` is false."""
        if not data.messages:
            raise UsageError("messages is empty")
        return await self._serve(
            gateway,
            request,
            data.model,
            _messages(data.messages),
            openai_tools(data.tools),
            _sampling(data.options),
            data.stream,
            chat=True,
        )

    @post(
        "/api/generate",
        operation_class=NDJSON_OR_JSON,
        responses=ERRORS,
        status_code=200,
        summary="Ollama generate (NDJSON stream by default)",
    )
    async def generate(
        self, gateway: GatewayDep, request: Request, data: JSONBody[OllamaGenerateIn]
    ) -> Response:
        """Complete ``prompt`` (with an optional ``system`` prompt)."""
        if not data.prompt:
            raise UsageError("prompt is empty")
        messages = [Message(role="system", content=data.system)] if data.system else []
        messages.append(Message(role="user", content=data.prompt))
        return await self._serve(
            gateway,
            request,
            data.model,
            messages,
            [],
            _sampling(data.options),
            data.stream,
            chat=False,
        )

    @get("/api/tags", responses=ERRORS, summary="Ollama: models this gateway serves")
    async def list_tags(self, gateway: GatewayDep) -> dict[str, object]:
        """Model list in Ollama's format."""
        return {"models": [_model_entry(m) for m in gateway.model_ids()]}

    @get("/api/ps", responses=ERRORS, summary="Ollama: loaded models")
    async def ps(self) -> dict[str, object]:
        """Aura loads models on demand and does not report residency: always empty."""
        return {"models": []}

    @post("/api/show", responses=ERRORS, status_code=200, summary="Ollama: details of one model")
    async def show(self, gateway: GatewayDep, data: JSONBody[OllamaShowIn]) -> dict[str, object]:
        """Details of a model the gateway can serve.

        Raises:
            UsageError: no model named.
            NotFoundError: the model is unknown.
        """
        name = data.model or data.name
        if not name:
            raise UsageError("model is required")
        target = gateway.resolve(name)
        entry = _model_entry(target.model_id)
        return {
            "modelfile": "",
            "parameters": "",
            "template": "",
            "details": entry["details"],
            "model_info": {},
            "capabilities": ["completion", "tools"],
            "modified_at": entry["modified_at"],
        }

    @get("/api/version", responses=ERRORS, summary="Ollama: server version")
    async def version(self) -> dict[str, str]:
        """The Ollama API version this gateway imitates."""
        return {"version": "0.6.0"}
