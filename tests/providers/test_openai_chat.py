"""The OpenAI chat-completions adapter against recorded-shape SSE bodies."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest

from aura_core.errors import ProviderError
from aura_core.messages import Message, ToolCall, ToolSpec
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
from aura_core.providers.openai_chat import OpenAIChatProvider

KEY = "sk-test-secret-key-123456"
Handler = Callable[[httpx.Request], httpx.Response]


def chunk(delta: dict[str, object], finish: str | None = None) -> dict[str, object]:
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 1700000000,
        "model": "gpt-4o-mini",
        "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
    }


def usage_chunk(prompt: int, completion: int, cached: int = 0) -> dict[str, object]:
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "choices": [],
        "usage": {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
            "prompt_tokens_details": {"cached_tokens": cached},
        },
    }


def sse(*chunks: dict[str, object]) -> httpx.Response:
    body = "".join(f"data: {json.dumps(c)}\n\n" for c in chunks) + "data: [DONE]\n\n"
    return httpx.Response(200, text=body, headers={"content-type": "text/event-stream"})


def provider(handler: Handler, base_url: str = "https://api.openai.com/v1") -> OpenAIChatProvider:
    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return OpenAIChatProvider("openai", base_url, KEY, client=client)


async def collect(p: OpenAIChatProvider, request: ModelRequest) -> list[StreamPart]:
    return [part async for part in p.stream(request)]


def hello(**kw: object) -> ModelRequest:
    return ModelRequest(model="gpt-4o-mini", messages=[Message("user", "hi")], **kw)  # type: ignore[arg-type]


async def test_text_streams_and_request_is_mapped() -> None:
    seen: dict[str, object] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen["url"] = str(request.url)
        seen["auth"] = request.headers["authorization"]
        seen["body"] = json.loads(request.content)
        return sse(
            chunk({"role": "assistant", "content": ""}),
            chunk({"content": "Hel"}),
            chunk({"content": "lo"}),
            chunk({}, "stop"),
            usage_chunk(12, 2),
        )

    request = ModelRequest(
        model="gpt-4o-mini",
        messages=[
            Message("system", "be brief"),
            Message("user", "list files"),
            Message("assistant", "", tool_calls=[ToolCall("call_1", "ls", {"path": "."})]),
            Message("tool", "a.txt", tool_call_id="call_1", name="ls"),
        ],
        tools=[ToolSpec("ls", "List a directory.", {"type": "object", "properties": {}})],
        sampling=Sampling(temperature=0.2, max_tokens=100, top_k=40),
    )
    parts = await collect(provider(handler), request)
    assert parts == [TextDelta("Hel"), TextDelta("lo"), Usage(12, 2), Stop("end")]
    assert seen["url"] == "https://api.openai.com/v1/chat/completions"
    assert seen["auth"] == f"Bearer {KEY}"
    body = seen["body"]
    assert body["model"] == "gpt-4o-mini"
    assert body["stream"] is True
    assert body["stream_options"] == {"include_usage": True}
    assert body["messages"] == [
        {"role": "system", "content": "be brief"},
        {"role": "user", "content": "list files"},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": "ls", "arguments": '{"path": "."}'},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "call_1", "content": "a.txt"},
    ]
    assert body["tools"] == [
        {
            "type": "function",
            "function": {
                "name": "ls",
                "description": "List a directory.",
                "parameters": {"type": "object", "properties": {}},
            },
        }
    ]
    assert body["temperature"] == 0.2
    assert body["max_completion_tokens"] == 100
    assert "top_k" not in body  # api.openai.com rejects non-standard fields
    assert "reasoning_effort" not in body


async def test_compatible_servers_get_extra_sampling_fields() -> None:
    seen: dict[str, object] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen.update(json.loads(request.content))
        return sse(chunk({"content": "ok"}, "stop"))

    p = provider(handler, "http://127.0.0.1:8000/v1")
    await collect(p, hello(sampling=Sampling(max_tokens=50, top_k=20, min_p=0.05)))
    assert seen["max_tokens"] == 50
    assert seen["top_k"] == 20
    assert seen["min_p"] == 0.05


async def test_reasoning_streams_as_thinking() -> None:
    seen: dict[str, object] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen.update(json.loads(request.content))
        return sse(
            chunk({"role": "assistant", "reasoning_content": "Let me think. "}),
            chunk({"reasoning": "Two plus two."}),
            chunk({"content": "4"}),
            chunk({}, "stop"),
        )

    parts = await collect(provider(handler), hello(thinking="high"))
    assert seen["reasoning_effort"] == "high"
    assert parts[:3] == [
        ThinkingDelta("Let me think. "),
        ThinkingDelta("Two plus two."),
        TextDelta("4"),
    ]


async def test_fragmented_and_parallel_tool_calls_are_assembled() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return sse(
            chunk(
                {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {
                            "index": 0,
                            "id": "call_a",
                            "type": "function",
                            "function": {"name": "read_file", "arguments": ""},
                        }
                    ],
                }
            ),
            chunk({"tool_calls": [{"index": 0, "function": {"arguments": '{"pa'}}]}),
            chunk(
                {
                    "tool_calls": [
                        {
                            "index": 1,
                            "id": "call_b",
                            "type": "function",
                            "function": {"name": "ls", "arguments": '{"path":'},
                        }
                    ]
                }
            ),
            chunk({"tool_calls": [{"index": 0, "function": {"arguments": 'th": "a.py"}'}}]}),
            chunk({"tool_calls": [{"index": 1, "function": {"arguments": ' "src"}'}}]}),
            chunk({}, "tool_calls"),
            usage_chunk(50, 30),
        )

    parts = await collect(provider(handler), hello())
    assert parts == [
        ToolCallPart(ToolCall("call_a", "read_file", {"path": "a.py"})),
        ToolCallPart(ToolCall("call_b", "ls", {"path": "src"})),
        Usage(50, 30),
        Stop("tool_calls"),
    ]


async def test_usage_reports_cached_prompt_tokens() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return sse(chunk({"content": "hi"}), chunk({}, "stop"), usage_chunk(2000, 10, cached=1536))

    parts = await collect(provider(handler), hello())
    assert Usage(input_tokens=464, output_tokens=10, cache_read_tokens=1536) in parts


@pytest.mark.parametrize(
    ("finish", "reason"),
    [("stop", "end"), ("length", "max_tokens"), ("content_filter", "error")],
)
async def test_finish_reasons_map_to_stop(finish: str, reason: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return sse(chunk({"content": "x"}), chunk({}, finish))

    parts = await collect(provider(handler), hello())
    assert parts[-1] == Stop(reason)  # type: ignore[arg-type]


def error_response(status: int, message: str, code: str | None, **headers: str) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        body = {"error": {"message": message, "type": "invalid_request_error", "code": code}}
        return httpx.Response(status, json=body, headers=headers)

    return handler


@pytest.mark.parametrize(
    ("status", "message", "code", "kind"),
    [
        (401, f"Incorrect API key provided: {KEY}.", "invalid_api_key", "auth"),
        (
            404,
            "The model `gpt-9` does not exist or you do not have access to it.",
            "model_not_found",
            "not_found",
        ),
        (500, "The server had an error while processing your request.", None, "server"),
        (503, "The engine is currently overloaded, please try again later.", None, "overloaded"),
        (
            400,
            "This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens.",
            "context_length_exceeded",
            "context_length",
        ),
        (400, "Invalid value for 'temperature'.", "invalid_value", "bad_request"),
    ],
)
async def test_errors_are_mapped_without_leaking_the_key(
    status: int, message: str, code: str | None, kind: str
) -> None:
    with pytest.raises(ProviderError) as info:
        await collect(provider(error_response(status, message, code)), hello())
    err = info.value
    assert err.kind == kind
    assert err.status == status
    assert err.message.startswith("openai: ")
    assert KEY not in err.message
    assert "\n" not in err.message


async def test_not_found_names_the_model() -> None:
    handler = error_response(404, "Not found", None)
    with pytest.raises(ProviderError) as info:
        await collect(
            provider(handler), ModelRequest(model="gpt-9", messages=[Message("user", "x")])
        )
    assert "gpt-9" in info.value.message


async def test_rate_limit_carries_retry_after() -> None:
    handler = error_response(
        429, "Rate limit reached for gpt-4o-mini.", "rate_limit_exceeded", **{"retry-after": "7"}
    )
    with pytest.raises(ProviderError) as info:
        await collect(provider(handler), hello())
    assert info.value.kind == "rate_limit"
    assert info.value.retry_after == 7.0
    assert info.value.retryable


async def test_rate_limit_retry_after_as_http_date() -> None:
    handler = error_response(
        429, "slow down", None, **{"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}
    )
    with pytest.raises(ProviderError) as info:
        await collect(provider(handler), hello())
    assert info.value.retry_after == 0.0  # a date in the past means "now"


async def test_error_inside_the_stream_is_raised() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return sse(
            chunk({"content": "par"}),
            {"error": {"message": "upstream overloaded", "type": "server_error"}},
        )

    with pytest.raises(ProviderError) as info:
        await collect(provider(handler), hello())
    assert info.value.kind == "server"
    assert "upstream overloaded" in info.value.message


async def test_connection_refused_is_a_connection_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("All connection attempts failed", request=request)

    with pytest.raises(ProviderError) as info:
        await collect(provider(handler, "http://127.0.0.1:1234/v1"), hello())
    assert info.value.kind == "connection"
    assert "127.0.0.1:1234" in info.value.message


async def test_read_timeout_is_a_connection_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    with pytest.raises(ProviderError) as info:
        await collect(provider(handler), hello())
    assert info.value.kind == "connection"
    assert "timed out" in info.value.message


async def test_list_models() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/v1/models"
        assert request.headers["authorization"] == f"Bearer {KEY}"
        return httpx.Response(
            200,
            json={
                "object": "list",
                "data": [
                    {"id": "gpt-4o-mini", "object": "model", "created": 1, "owned_by": "system"},
                    {"id": "gpt-4o", "object": "model", "created": 1, "owned_by": "system"},
                ],
            },
        )

    assert await provider(handler).list_models() == ["gpt-4o", "gpt-4o-mini"]


async def test_list_models_with_bad_key() -> None:
    with pytest.raises(ProviderError) as info:
        await provider(
            error_response(401, "Incorrect API key provided", "invalid_api_key")
        ).list_models()
    assert info.value.kind == "auth"


async def test_extra_headers_are_sent() -> None:
    seen: dict[str, str] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen["referer"] = request.headers.get("http-referer", "")
        return sse(chunk({"content": "ok"}, "stop"))

    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    p = OpenAIChatProvider(
        "openrouter",
        "https://openrouter.ai/api/v1",
        KEY,
        client=client,
        headers={"HTTP-Referer": "https://aura.example"},
    )
    await collect(p, hello())
    assert seen["referer"] == "https://aura.example"


async def test_broken_tool_arguments_reach_the_tool_check() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        call = {
            "index": 0,
            "id": "c",
            "type": "function",
            "function": {"name": "ls", "arguments": '{"path": '},
        }
        return sse(chunk({"tool_calls": [call]}), chunk({}, "tool_calls"))

    parts = await collect(provider(handler), hello())
    assert parts[0] == ToolCallPart(ToolCall("c", "ls", {"_invalid_json": '{"path": '}))


READ = ToolSpec(
    "read", "Read a file.", {"type": "object", "properties": {"path": {"type": "string"}}}
)
LS = ToolSpec("ls", "List a directory.", {"type": "object", "properties": {}})


async def test_tool_choice_and_forced_tool_are_sent() -> None:
    bodies: list[dict[str, object]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        bodies.append(json.loads(request.content))
        return sse(chunk({"content": "ok"}, "stop"))

    p = provider(handler)
    await collect(p, hello(tools=[LS, READ]))
    await collect(p, hello(tools=[LS, READ], tool_choice="required"))
    await collect(p, hello(tools=[LS, READ], tool_choice="none"))
    await collect(p, hello(tools=[LS, READ], force_tool="read"))
    await collect(p, hello(tool_choice="none"))  # no tools: nothing to choose between
    assert [b.get("tool_choice") for b in bodies] == [
        None,  # "auto" is the default and is not sent
        "required",
        "none",
        {"type": "function", "function": {"name": "read"}},
        None,
    ]
    described = bodies[2]["tools"]  # "none" still describes the tools
    assert isinstance(described, list) and len(described) == 2
    assert "tools" not in bodies[4]


async def test_forcing_a_tool_that_is_not_offered_fails_before_sending() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise AssertionError("the request must not be sent")

    with pytest.raises(ProviderError) as info:
        await collect(provider(handler), hello(tools=[LS], force_tool="rm"))
    assert info.value.kind == "bad_request"
    assert info.value.message == "force_tool='rm' is not one of the request's tools (ls)"
