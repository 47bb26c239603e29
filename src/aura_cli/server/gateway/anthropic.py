"""Anthropic-compatible route: ``POST /v1/messages``, streamed and not, with tools."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator

import msgspec
from litestar import Controller, Request, Response, post
from litestar.params import JSONBody
from litestar.response import Stream

from aura_cli.server.deps import GatewayDep
from aura_cli.server.errors import ERRORS
from aura_cli.server.gateway.upstream import PartStream, Reply
from aura_cli.server.gateway.wire import AnthropicMessage, MessagesIn, TextBlock
from aura_cli.server.openapi import SSE_OR_JSON
from aura_core.errors import AuraError
from aura_core.messages import Message, ToolCall, ToolSpec
from aura_core.providers.base import (
    ModelRequest,
    Sampling,
    Stop,
    StopReason,
    TextDelta,
    ThinkingDelta,
    ToolCallPart,
)

__all__ = ["AnthropicController"]

_STOP: dict[StopReason, str] = {
    "end": "end_turn",
    "tool_calls": "tool_use",
    "max_tokens": "max_tokens",
    "stop_sequence": "stop_sequence",
}
_encode = msgspec.json.encode


def _joined(content: str | list[TextBlock] | None) -> str:
    if content is None or isinstance(content, str):
        return content or ""
    return "".join(b.text for b in content if b.type == "text")


def _messages(system: str | list[TextBlock] | None, turns: list[AnthropicMessage]) -> list[Message]:
    out: list[Message] = []
    if system:
        out.append(Message(role="system", content=_joined(system)))
    for turn in turns:
        if isinstance(turn.content, str):
            out.append(Message(role=turn.role, content=turn.content))
            continue
        text = "".join(b.text or "" for b in turn.content if b.type == "text")
        if turn.role == "assistant":
            calls = [
                ToolCall(b.id or f"toolu_{i}", b.name or "", dict(b.input or {}))
                for i, b in enumerate(turn.content)
                if b.type == "tool_use"
            ]
            out.append(Message(role="assistant", content=text, tool_calls=calls))
            continue
        for b in turn.content:
            if b.type == "tool_result":
                out.append(
                    Message(
                        role="tool",
                        content=_joined(b.content),
                        tool_call_id=b.tool_use_id,
                        is_error=bool(b.is_error),
                    )
                )
        if text or not any(b.type == "tool_result" for b in turn.content):
            out.append(Message(role="user", content=text))
    return out


def _event(name: str, payload: dict[str, object]) -> bytes:
    return b"event: " + name.encode() + b"\ndata: " + _encode({"type": name, **payload}) + b"\n\n"


async def _events(stream: PartStream, model: str) -> AsyncIterator[bytes]:
    yield _event(
        "message_start",
        {
            "message": {
                "id": f"msg_{uuid.uuid4().hex[:24]}",
                "type": "message",
                "role": "assistant",
                "model": model,
                "content": [],
                "stop_reason": None,
                "stop_sequence": None,
                "usage": {"input_tokens": 0, "output_tokens": 0},
            }
        },
    )
    index, open_kind, stop = -1, "", "end_turn"

    def start(kind: str, block: dict[str, object]) -> bytes:
        nonlocal index, open_kind
        index, open_kind = index + 1, kind
        return _event("content_block_start", {"index": index, "content_block": block})

    try:
        async for part in stream:
            if isinstance(part, (TextDelta, ThinkingDelta)):
                kind = "text" if isinstance(part, TextDelta) else "thinking"
                if open_kind != kind:
                    if open_kind:
                        yield _event("content_block_stop", {"index": index})
                    yield start(
                        kind,
                        {"type": "text", "text": ""}
                        if kind == "text"
                        else {"type": "thinking", "thinking": "", "signature": ""},
                    )
                delta = (
                    {"type": "text_delta", "text": part.text}
                    if kind == "text"
                    else {"type": "thinking_delta", "thinking": part.text}
                )
                yield _event("content_block_delta", {"index": index, "delta": delta})
            elif isinstance(part, ToolCallPart):
                if open_kind:
                    yield _event("content_block_stop", {"index": index})
                call = part.call
                yield start(
                    "tool_use", {"type": "tool_use", "id": call.id, "name": call.name, "input": {}}
                )
                yield _event(
                    "content_block_delta",
                    {
                        "index": index,
                        "delta": {
                            "type": "input_json_delta",
                            "partial_json": json.dumps(call.arguments),
                        },
                    },
                )
                yield _event("content_block_stop", {"index": index})
                open_kind = ""
            elif isinstance(part, Stop):
                stop = _STOP.get(part.reason, "end_turn")
    except AuraError as exc:
        yield _event("error", {"error": {"type": "api_error", "message": exc.message}})
        return
    if open_kind:
        yield _event("content_block_stop", {"index": index})
    usage = stream.usage
    yield _event(
        "message_delta",
        {
            "delta": {"stop_reason": stop, "stop_sequence": None},
            "usage": {"input_tokens": usage.input_tokens, "output_tokens": usage.output_tokens},
        },
    )
    yield _event("message_stop", {})


def _body(reply: Reply, model: str) -> dict[str, object]:
    content: list[dict[str, object]] = []
    if reply.thinking:
        content.append({"type": "thinking", "thinking": reply.thinking, "signature": ""})
    if reply.text or not reply.tool_calls:
        content.append({"type": "text", "text": reply.text})
    content += [
        {"type": "tool_use", "id": c.id, "name": c.name, "input": c.arguments}
        for c in reply.tool_calls
    ]
    return {
        "id": f"msg_{uuid.uuid4().hex[:24]}",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": content,
        "stop_reason": _STOP.get(reply.stop, "end_turn"),
        "stop_sequence": None,
        "usage": {
            "input_tokens": reply.usage.input_tokens,
            "output_tokens": reply.usage.output_tokens,
        },
    }


class AnthropicController(Controller):
    """The Anthropic Messages API surface, served by any Aura provider."""

    tags = ["gateway: anthropic"]

    @post(
        "/v1/messages",
        operation_class=SSE_OR_JSON,
        responses=ERRORS,
        status_code=200,
        summary="Anthropic messages",
    )
    async def messages(
        self, gateway: GatewayDep, request: Request, data: JSONBody[MessagesIn]
    ) -> Response:
        """A message, streamed as Anthropic SSE events when ``stream`` is true."""
        target = gateway.resolve(data.model)
        choice = (data.tool_choice or {}).get("type")
        tools = (
            []
            if choice == "none"
            else [
                ToolSpec(
                    t.name, t.description, t.input_schema or {"type": "object", "properties": {}}
                )
                for t in data.tools or []
            ]
        )
        model_request = ModelRequest(
            model=target.model,
            messages=_messages(data.system, data.messages),
            tools=tools,
            sampling=Sampling(
                temperature=data.temperature,
                top_p=data.top_p,
                top_k=data.top_k,
                max_tokens=data.max_tokens,
            ),
            tool_choice="required" if choice == "any" and tools else "auto",
            force_tool=str((data.tool_choice or {}).get("name"))
            if choice == "tool" and tools
            else None,
        )
        if data.stream:
            stream = await gateway.open(request.scope, target, model_request)
            return Stream(
                _events(stream, target.model_id),
                media_type="text/event-stream",
                headers={"Cache-Control": "no-cache"},
            )
        reply = await gateway.complete(request.scope, target, model_request)
        return Response(_body(reply, target.model_id))
