"""OpenAI-compatible routes: ``/v1/chat/completions``, ``/v1/completions``, ``/v1/models``."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import JSONBody
from litestar.response import Stream

from aura_cli.server.deps import GatewayDep
from aura_cli.server.errors import ERRORS
from aura_cli.server.gateway.upstream import PartStream, Reply, Target
from aura_cli.server.gateway.wire import ChatCompletionIn, ChatMessage, CompletionIn, OpenAITool
from aura_cli.server.openapi import SSE_OR_JSON
from aura_core.errors import AuraError, UsageError
from aura_core.messages import Message, ToolCall, ToolSpec
from aura_core.providers.base import (
    ModelRequest,
    Sampling,
    Stop,
    StopReason,
    TextDelta,
    ThinkingDelta,
    ToolCallPart,
    Usage,
)

__all__ = ["OpenAIController", "openai_tools"]

_FINISH: dict[StopReason, str] = {
    "end": "stop",
    "tool_calls": "tool_calls",
    "max_tokens": "length",
    "stop_sequence": "stop",
}
_SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
_encode = msgspec.json.encode


def _text(content: str | list | None) -> str:  # type: ignore[type-arg]
    if content is None or isinstance(content, str):
        return content or ""
    return "".join(p.text or "" for p in content if p.type in ("text", "input_text"))


def _arguments(raw: str, name: str) -> dict[str, object]:
    try:
        value = json.loads(raw or "{}")
    except json.JSONDecodeError:
        raise UsageError(f"tool call {name}: arguments are not valid JSON") from None
    if not isinstance(value, dict):
        raise UsageError(f"tool call {name}: arguments must be a JSON object")
    return value


def _messages(items: list[ChatMessage]) -> list[Message]:
    out: list[Message] = []
    for m in items:
        text = _text(m.content)
        if m.role in ("system", "developer"):
            out.append(Message(role="system", content=text))
        elif m.role in ("tool", "function"):
            out.append(
                Message(
                    role="tool", content=text, tool_call_id=m.tool_call_id or m.name, name=m.name
                )
            )
        elif m.role == "assistant":
            calls = [
                ToolCall(
                    c.id or f"call_{i}",
                    c.function.name,
                    _arguments(c.function.arguments, c.function.name),
                )
                for i, c in enumerate(m.tool_calls or [])
            ]
            out.append(Message(role="assistant", content=text, tool_calls=calls))
        else:
            out.append(Message(role="user", content=text))
    return out


def openai_tools(tools: list[OpenAITool] | None) -> list[ToolSpec]:
    """OpenAI-style tool definitions as Aura tool specs."""
    return [
        ToolSpec(
            t.function.name,
            t.function.description,
            t.function.parameters or {"type": "object", "properties": {}},
        )
        for t in tools or []
    ]


def _usage(usage: Usage) -> dict[str, int]:
    return {
        "prompt_tokens": usage.input_tokens,
        "completion_tokens": usage.output_tokens,
        "total_tokens": usage.input_tokens + usage.output_tokens,
    }


def _tool_call_json(call: ToolCall) -> dict[str, object]:
    return {
        "id": call.id,
        "type": "function",
        "function": {"name": call.name, "arguments": json.dumps(call.arguments)},
    }


def _sse(payload: object) -> bytes:
    return b"data: " + _encode(payload) + b"\n\n"


async def _chat_chunks(stream: PartStream, model: str, include_usage: bool) -> AsyncIterator[bytes]:
    base = {
        "id": f"chatcmpl-{uuid.uuid4().hex[:24]}",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
    }

    def chunk(delta: dict[str, object], finish: str | None = None) -> bytes:
        return _sse({**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})

    yield chunk({"role": "assistant", "content": ""})
    calls = 0
    try:
        async for part in stream:
            if isinstance(part, TextDelta):
                yield chunk({"content": part.text})
            elif isinstance(part, ThinkingDelta):
                yield chunk({"reasoning_content": part.text})
            elif isinstance(part, ToolCallPart):
                yield chunk({"tool_calls": [{"index": calls, **_tool_call_json(part.call)}]})
                calls += 1
            elif isinstance(part, Stop):
                yield chunk({}, _FINISH.get(part.reason, "stop"))
    except AuraError as exc:
        yield _sse({"error": {"message": exc.message, "code": exc.code, "type": "server_error"}})
    if include_usage:
        yield _sse({**base, "choices": [], "usage": _usage(stream.usage)})
    yield b"data: [DONE]\n\n"


async def _completion_chunks(stream: PartStream, model: str) -> AsyncIterator[bytes]:
    base = {
        "id": f"cmpl-{uuid.uuid4().hex[:24]}",
        "object": "text_completion",
        "created": int(time.time()),
        "model": model,
    }
    try:
        async for part in stream:
            if isinstance(part, TextDelta):
                yield _sse(
                    {
                        **base,
                        "choices": [
                            {"text": part.text, "index": 0, "logprobs": None, "finish_reason": None}
                        ],
                    }
                )
            elif isinstance(part, Stop):
                yield _sse(
                    {
                        **base,
                        "choices": [
                            {
                                "text": "",
                                "index": 0,
                                "logprobs": None,
                                "finish_reason": _FINISH.get(part.reason, "stop"),
                            }
                        ],
                    }
                )
    except AuraError as exc:
        yield _sse({"error": {"message": exc.message, "code": exc.code, "type": "server_error"}})
    yield b"data: [DONE]\n\n"


def _chat_body(reply: Reply, model: str) -> dict[str, object]:
    message: dict[str, object] = {"role": "assistant", "content": reply.text or None}
    if reply.tool_calls:
        message["tool_calls"] = [_tool_call_json(c) for c in reply.tool_calls]
    if reply.thinking:
        message["reasoning_content"] = reply.thinking
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex[:24]}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": message,
                "finish_reason": _FINISH.get(reply.stop, "stop"),
                "logprobs": None,
            }
        ],
        "usage": _usage(reply.usage),
    }


def _request(
    target: Target,
    messages: list[Message],
    tools: list[ToolSpec],
    data: ChatCompletionIn | CompletionIn,
) -> ModelRequest:
    max_tokens = getattr(data, "max_completion_tokens", None) or data.max_tokens
    choice = getattr(data, "tool_choice", None)
    forced = None
    if isinstance(choice, dict):
        forced = str((choice.get("function") or {}).get("name") or "") or None  # type: ignore[union-attr]
    return ModelRequest(
        model=target.model,
        messages=messages,
        tools=tools,
        sampling=Sampling(
            temperature=data.temperature, top_p=data.top_p, max_tokens=max_tokens, seed=data.seed
        ),
        tool_choice="required" if choice == "required" and tools else "auto",
        force_tool=forced if tools else None,
    )


class OpenAIController(Controller):
    """The OpenAI API surface, served by any Aura provider."""

    tags = ["gateway: openai"]

    @post(
        "/v1/chat/completions",
        operation_class=SSE_OR_JSON,
        responses=ERRORS,
        status_code=200,
        summary="OpenAI chat completions",
    )
    async def chat(
        self, gateway: GatewayDep, request: Request, data: JSONBody[ChatCompletionIn]
    ) -> Response:
        """Chat completion, streamed as SSE chunks when ``stream`` is true."""
        target = gateway.resolve(data.model)
        tools = [] if data.tool_choice == "none" else openai_tools(data.tools)
        model_request = _request(target, _messages(data.messages), tools, data)
        if data.stream:
            stream = await gateway.open(request.scope, target, model_request)
            usage = bool(data.stream_options and data.stream_options.include_usage)
            return Stream(
                _chat_chunks(stream, target.model_id, usage),
                media_type="text/event-stream",
                headers=_SSE_HEADERS,
            )
        reply = await gateway.complete(request.scope, target, model_request)
        return Response(_chat_body(reply, target.model_id))

    @post(
        "/v1/completions",
        operation_class=SSE_OR_JSON,
        responses=ERRORS,
        status_code=200,
        summary="OpenAI text completions (legacy)",
    )
    async def completions(
        self, gateway: GatewayDep, request: Request, data: JSONBody[CompletionIn]
    ) -> Response:
        """Text completion of ``prompt``."""
        target = gateway.resolve(data.model)
        prompt = data.prompt if isinstance(data.prompt, str) else "".join(data.prompt)
        model_request = _request(target, [Message(role="user", content=prompt)], [], data)
        if data.stream:
            stream = await gateway.open(request.scope, target, model_request)
            return Stream(
                _completion_chunks(stream, target.model_id),
                media_type="text/event-stream",
                headers=_SSE_HEADERS,
            )
        reply = await gateway.complete(request.scope, target, model_request)
        return Response(
            {
                "id": f"cmpl-{uuid.uuid4().hex[:24]}",
                "object": "text_completion",
                "created": int(time.time()),
                "model": target.model_id,
                "choices": [
                    {
                        "text": reply.text,
                        "index": 0,
                        "logprobs": None,
                        "finish_reason": _FINISH.get(reply.stop, "stop"),
                    }
                ],
                "usage": _usage(reply.usage),
            }
        )

    @get("/v1/models", responses=ERRORS, summary="Models this gateway serves")
    async def models(self, gateway: GatewayDep) -> dict[str, object]:
        """The model list in OpenAI's format."""
        return {
            "object": "list",
            "data": [
                {
                    "id": m,
                    "object": "model",
                    "created": 0,
                    "owned_by": m.partition(":")[0] or "aura",
                }
                for m in gateway.model_ids()
            ],
        }
