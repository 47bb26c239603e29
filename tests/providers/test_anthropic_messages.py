"""The Anthropic Messages adapter against recorded-shape SSE bodies."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest

from aura_core.errors import ProviderError
from aura_core.messages import Message, ToolCall, ToolSpec
from aura_core.providers.anthropic_messages import AnthropicMessagesProvider
from aura_core.providers.base import (
    ModelRequest,
    Sampling,
    Stop,
    StreamPart,
    TextDelta,
    ThinkingDelta,
    ToolCallPart,
    Usage,
)

KEY = "sk-ant-test-secret-999"
MODEL = "claude-sonnet-4-5"
Handler = Callable[[httpx.Request], httpx.Response]


def event(data: dict[str, object]) -> str:
    return f"event: {data['type']}\ndata: {json.dumps(data)}\n\n"


def message_start(input_tokens: int = 25, read: int = 0, write: int = 0) -> dict[str, object]:
    return {
        "type": "message_start",
        "message": {
            "id": "msg_01",
            "type": "message",
            "role": "assistant",
            "content": [],
            "model": MODEL,
            "stop_reason": None,
            "stop_sequence": None,
            "usage": {
                "input_tokens": input_tokens,
                "cache_creation_input_tokens": write,
                "cache_read_input_tokens": read,
                "output_tokens": 1,
            },
        },
    }


def block_start(index: int, block: dict[str, object]) -> dict[str, object]:
    return {"type": "content_block_start", "index": index, "content_block": block}


def delta(index: int, d: dict[str, object]) -> dict[str, object]:
    return {"type": "content_block_delta", "index": index, "delta": d}


def block_stop(index: int) -> dict[str, object]:
    return {"type": "content_block_stop", "index": index}


def message_end(reason: str, output_tokens: int = 15) -> list[dict[str, object]]:
    return [
        {
            "type": "message_delta",
            "delta": {"stop_reason": reason, "stop_sequence": None},
            "usage": {"output_tokens": output_tokens},
        },
        {"type": "message_stop"},
    ]


def sse(*events: dict[str, object]) -> httpx.Response:
    body = "".join(event(e) for e in events)
    return httpx.Response(200, text=body, headers={"content-type": "text/event-stream"})


def text_reply(*pieces: str, reason: str = "end_turn") -> httpx.Response:
    return sse(
        message_start(),
        block_start(0, {"type": "text", "text": ""}),
        {"type": "ping"},
        *(delta(0, {"type": "text_delta", "text": p}) for p in pieces),
        block_stop(0),
        *message_end(reason),
    )


def provider(handler: Handler) -> AnthropicMessagesProvider:
    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return AnthropicMessagesProvider("anthropic", "https://api.anthropic.com", KEY, client=client)


async def collect(p: AnthropicMessagesProvider, request: ModelRequest) -> list[StreamPart]:
    return [part async for part in p.stream(request)]


def hello(**kw: object) -> ModelRequest:
    return ModelRequest(model=MODEL, messages=[Message("user", "hi")], **kw)  # type: ignore[arg-type]


async def test_text_streams_with_cached_system_prompt() -> None:
    seen: dict[str, object] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen["url"] = str(request.url)
        seen["headers"] = request.headers
        seen["body"] = json.loads(request.content)
        return text_reply("Hello", " there")

    request = ModelRequest(
        model=MODEL,
        messages=[
            Message("system", "You are Aura."),
            Message("user", "read a.py"),
            Message(
                "assistant", "Reading.", tool_calls=[ToolCall("toolu_1", "read", {"path": "a.py"})]
            ),
            Message("tool", "print(1)", tool_call_id="toolu_1", name="read"),
            Message("tool", "denied", tool_call_id="toolu_2", name="read", is_error=True),
        ],
        tools=[
            ToolSpec(
                "read",
                "Read a file.",
                {"type": "object", "properties": {"path": {"type": "string"}}},
            )
        ],
        sampling=Sampling(temperature=0.5, max_tokens=1000),
    )
    parts = await collect(provider(handler), request)
    assert parts == [TextDelta("Hello"), TextDelta(" there"), Usage(25, 15), Stop("end")]
    assert seen["url"] == "https://api.anthropic.com/v1/messages"
    headers = seen["headers"]
    assert headers["x-api-key"] == KEY
    assert headers["anthropic-version"] == "2023-06-01"
    assert "authorization" not in headers
    body = seen["body"]
    assert body["model"] == MODEL
    assert body["stream"] is True
    assert body["max_tokens"] == 1000
    assert body["temperature"] == 0.5
    assert body["system"] == [
        {"type": "text", "text": "You are Aura.", "cache_control": {"type": "ephemeral"}}
    ]
    assert body["tools"] == [
        {
            "name": "read",
            "description": "Read a file.",
            "input_schema": {"type": "object", "properties": {"path": {"type": "string"}}},
        }
    ]
    assert body["messages"] == [
        {"role": "user", "content": [{"type": "text", "text": "read a.py"}]},
        {
            "role": "assistant",
            "content": [
                {"type": "text", "text": "Reading."},
                {"type": "tool_use", "id": "toolu_1", "name": "read", "input": {"path": "a.py"}},
            ],
        },
        {
            "role": "user",
            "content": [
                {"type": "tool_result", "tool_use_id": "toolu_1", "content": "print(1)"},
                {
                    "type": "tool_result",
                    "tool_use_id": "toolu_2",
                    "content": "denied",
                    "is_error": True,
                    "cache_control": {"type": "ephemeral"},
                },
            ],
        },
    ]


async def test_thinking_sets_budget_and_streams_thoughts() -> None:
    seen: dict[str, object] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen.update(json.loads(request.content))
        return sse(
            message_start(),
            block_start(0, {"type": "thinking", "thinking": ""}),
            delta(0, {"type": "thinking_delta", "thinking": "Let me add. "}),
            delta(0, {"type": "thinking_delta", "thinking": "2+2=4."}),
            delta(0, {"type": "signature_delta", "signature": "EqQBCgIYAhIM"}),
            block_stop(0),
            block_start(1, {"type": "text", "text": ""}),
            delta(1, {"type": "text_delta", "text": "4"}),
            block_stop(1),
            *message_end("end_turn"),
        )

    parts = await collect(
        provider(handler), hello(thinking="medium", sampling=Sampling(temperature=0.3))
    )
    assert seen["thinking"] == {"type": "enabled", "budget_tokens": 4096}
    assert seen["max_tokens"] > 4096
    assert "temperature" not in seen  # not allowed with extended thinking
    assert parts[:3] == [ThinkingDelta("Let me add. "), ThinkingDelta("2+2=4."), TextDelta("4")]


async def test_thinking_blocks_are_sent_back_in_a_tool_loop() -> None:
    bodies: list[dict[str, object]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        bodies.append(json.loads(request.content))
        if len(bodies) > 1:
            return text_reply("done")
        return sse(
            message_start(),
            block_start(0, {"type": "thinking", "thinking": ""}),
            delta(0, {"type": "thinking_delta", "thinking": "I should list."}),
            delta(0, {"type": "signature_delta", "signature": "sig-123"}),
            block_stop(0),
            block_start(1, {"type": "tool_use", "id": "toolu_9", "name": "ls", "input": {}}),
            delta(1, {"type": "input_json_delta", "partial_json": ""}),
            delta(1, {"type": "input_json_delta", "partial_json": '{"path": "."}'}),
            block_stop(1),
            *message_end("tool_use"),
        )

    p = provider(handler)
    first = await collect(p, hello(thinking="low"))
    call = next(x.call for x in first if isinstance(x, ToolCallPart))
    follow_up = hello(thinking="low")
    follow_up.messages += [
        Message("assistant", "", tool_calls=[call], thinking="I should list."),
        Message("tool", "a.py", tool_call_id=call.id, name="ls"),
    ]
    await collect(p, follow_up)
    assistant = bodies[1]["messages"][1]
    assert assistant["content"][0] == {
        "type": "thinking",
        "thinking": "I should list.",
        "signature": "sig-123",
    }
    assert bodies[1]["thinking"]["budget_tokens"] == 1024


async def test_tool_loop_without_signatures_turns_thinking_off() -> None:
    seen: dict[str, object] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen.update(json.loads(request.content))
        return text_reply("ok")

    request = hello(thinking="high")
    request.messages += [
        Message("assistant", "", tool_calls=[ToolCall("toolu_old", "ls", {})]),
        Message("tool", "a.py", tool_call_id="toolu_old"),
    ]
    await collect(provider(handler), request)
    assert "thinking" not in seen


async def test_fragmented_and_parallel_tool_use() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return sse(
            message_start(),
            block_start(0, {"type": "text", "text": ""}),
            delta(0, {"type": "text_delta", "text": "Checking both."}),
            block_stop(0),
            block_start(
                1, {"type": "tool_use", "id": "toolu_a", "name": "get_weather", "input": {}}
            ),
            delta(1, {"type": "input_json_delta", "partial_json": '{"loc'}),
            delta(1, {"type": "input_json_delta", "partial_json": 'ation": "Paris"}'}),
            block_stop(1),
            block_start(
                2, {"type": "tool_use", "id": "toolu_b", "name": "get_weather", "input": {}}
            ),
            delta(2, {"type": "input_json_delta", "partial_json": '{"location": "Rome"}'}),
            block_stop(2),
            *message_end("tool_use", 80),
        )

    parts = await collect(provider(handler), hello())
    assert parts == [
        TextDelta("Checking both."),
        ToolCallPart(ToolCall("toolu_a", "get_weather", {"location": "Paris"})),
        ToolCallPart(ToolCall("toolu_b", "get_weather", {"location": "Rome"})),
        Usage(25, 80),
        Stop("tool_calls"),
    ]


async def test_usage_reports_cache_reads_and_writes() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return sse(
            message_start(input_tokens=12, read=1800, write=300),
            block_start(0, {"type": "text", "text": ""}),
            delta(0, {"type": "text_delta", "text": "ok"}),
            block_stop(0),
            *message_end("end_turn", 5),
        )

    parts = await collect(provider(handler), hello())
    assert (
        Usage(input_tokens=12, output_tokens=5, cache_read_tokens=1800, cache_write_tokens=300)
        in parts
    )


@pytest.mark.parametrize(
    ("reason", "stop"),
    [
        ("end_turn", "end"),
        ("max_tokens", "max_tokens"),
        ("stop_sequence", "stop_sequence"),
        ("refusal", "error"),
    ],
)
async def test_stop_reasons(reason: str, stop: str) -> None:
    parts = await collect(provider(lambda r: text_reply("x", reason=reason)), hello())
    assert parts[-1] == Stop(stop)  # type: ignore[arg-type]


def error_response(status: int, kind: str, message: str, **headers: str) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        body = {"type": "error", "error": {"type": kind, "message": message}}
        return httpx.Response(status, json=body, headers=headers)

    return handler


@pytest.mark.parametrize(
    ("status", "etype", "message", "kind"),
    [
        (401, "authentication_error", "invalid x-api-key", "auth"),
        (403, "permission_error", "Your API key does not have permission", "auth"),
        (404, "not_found_error", f"model: {MODEL}", "not_found"),
        (500, "api_error", "Internal server error", "server"),
        (529, "overloaded_error", "Overloaded", "overloaded"),
        (
            400,
            "invalid_request_error",
            "prompt is too long: 210000 tokens > 200000 maximum",
            "context_length",
        ),
        (
            400,
            "invalid_request_error",
            "messages: text content blocks must be non-empty",
            "bad_request",
        ),
    ],
)
async def test_errors_are_mapped(status: int, etype: str, message: str, kind: str) -> None:
    with pytest.raises(ProviderError) as info:
        await collect(provider(error_response(status, etype, message)), hello())
    assert info.value.kind == kind
    assert info.value.message == f"anthropic: {message}"
    assert KEY not in info.value.message


async def test_rate_limit_carries_retry_after() -> None:
    handler = error_response(
        429,
        "rate_limit_error",
        "Number of request tokens has exceeded your per-minute rate limit",
        **{"retry-after": "30"},
    )
    with pytest.raises(ProviderError) as info:
        await collect(provider(handler), hello())
    assert info.value.kind == "rate_limit"
    assert info.value.retry_after == 30.0


async def test_overloaded_error_event_mid_stream() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return sse(
            message_start(),
            block_start(0, {"type": "text", "text": ""}),
            delta(0, {"type": "text_delta", "text": "Hel"}),
            {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}},
        )

    parts: list[StreamPart] = []
    with pytest.raises(ProviderError) as info:
        async for part in provider(handler).stream(hello()):
            parts.append(part)
    assert parts == [TextDelta("Hel")]
    assert info.value.kind == "overloaded"
    assert info.value.retryable


async def test_list_models_follows_pages() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["x-api-key"] == KEY
        if request.url.params.get("after_id") == "claude-b":
            return httpx.Response(
                200,
                json={
                    "data": [
                        {
                            "type": "model",
                            "id": "claude-c",
                            "display_name": "C",
                            "created_at": "2025-01-01T00:00:00Z",
                        }
                    ],
                    "has_more": False,
                    "first_id": "claude-c",
                    "last_id": "claude-c",
                },
            )
        return httpx.Response(
            200,
            json={
                "data": [
                    {
                        "type": "model",
                        "id": "claude-b",
                        "display_name": "B",
                        "created_at": "2025-01-01T00:00:00Z",
                    },
                    {
                        "type": "model",
                        "id": "claude-a",
                        "display_name": "A",
                        "created_at": "2025-01-01T00:00:00Z",
                    },
                ],
                "has_more": True,
                "first_id": "claude-a",
                "last_id": "claude-b",
            },
        )

    assert await provider(handler).list_models() == ["claude-a", "claude-b", "claude-c"]


READ = ToolSpec(
    "read", "Read a file.", {"type": "object", "properties": {"path": {"type": "string"}}}
)
LS = ToolSpec("ls", "List a directory.", {"type": "object", "properties": {}})


async def test_tool_choice_and_forced_tool_are_sent() -> None:
    bodies: list[dict[str, object]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        bodies.append(json.loads(request.content))
        return text_reply("ok")

    p = provider(handler)
    await collect(p, hello(tools=[LS, READ]))
    await collect(p, hello(tools=[LS, READ], tool_choice="required"))
    await collect(p, hello(tools=[LS, READ], tool_choice="none"))
    await collect(p, hello(tools=[LS, READ], force_tool="read"))
    await collect(p, hello(tool_choice="none"))
    assert [b.get("tool_choice") for b in bodies] == [
        None,
        {"type": "any"},
        {"type": "none"},
        {"type": "tool", "name": "read"},
        None,
    ]


async def test_a_forced_tool_call_turns_extended_thinking_off() -> None:
    bodies: list[dict[str, object]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        bodies.append(json.loads(request.content))
        return text_reply("ok")

    p = provider(handler)
    warm = Sampling(temperature=0.3)
    await collect(p, hello(tools=[READ], thinking="high", force_tool="read", sampling=warm))
    await collect(p, hello(tools=[READ], thinking="high", tool_choice="required"))
    await collect(p, hello(tools=[READ], thinking="high", tool_choice="none"))
    await collect(p, hello(tools=[READ], thinking="high"))
    forced, required, none, auto = bodies
    # the API refuses forced tool use while thinking, so the call goes without it
    assert "thinking" not in forced and forced["temperature"] == 0.3
    assert "thinking" not in required and required["tool_choice"] == {"type": "any"}
    assert none["thinking"]["type"] == "enabled"  # type: ignore[index]
    assert auto["thinking"]["type"] == "enabled"  # type: ignore[index]
