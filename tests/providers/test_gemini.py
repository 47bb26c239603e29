"""The Gemini adapter against recorded-shape ``streamGenerateContent?alt=sse`` bodies."""

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
from aura_core.providers.gemini import SKIP_SIGNATURE, GeminiProvider

KEY = "AIzaSy-test-secret-key"
MODEL = "gemini-2.5-flash"
BASE = "https://generativelanguage.googleapis.com/v1beta"
Handler = Callable[[httpx.Request], httpx.Response]


def chunk(
    parts: list[dict[str, object]], finish: str | None = None, usage: dict[str, int] | None = None
) -> dict[str, object]:
    candidate: dict[str, object] = {"content": {"parts": parts, "role": "model"}, "index": 0}
    if finish:
        candidate["finishReason"] = finish
    out: dict[str, object] = {"candidates": [candidate], "modelVersion": MODEL, "responseId": "r1"}
    if usage:
        out["usageMetadata"] = usage
    return out


def sse(*chunks: dict[str, object]) -> httpx.Response:
    body = "".join(f"data: {json.dumps(c)}\r\n\r\n" for c in chunks)
    return httpx.Response(200, text=body, headers={"content-type": "text/event-stream"})


def provider(handler: Handler) -> GeminiProvider:
    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return GeminiProvider("google", BASE, KEY, client=client)


async def collect(p: GeminiProvider, request: ModelRequest) -> list[StreamPart]:
    return [part async for part in p.stream(request)]


def hello(model: str = MODEL, **kw: object) -> ModelRequest:
    return ModelRequest(model=model, messages=[Message("user", "hi")], **kw)  # type: ignore[arg-type]


USAGE = {"promptTokenCount": 9, "candidatesTokenCount": 4, "totalTokenCount": 13}


async def test_text_streams_and_request_is_mapped() -> None:
    seen: dict[str, object] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen["url"] = str(request.url)
        seen["headers"] = request.headers
        seen["body"] = json.loads(request.content)
        return sse(
            chunk([{"text": "Hello"}]),
            chunk([{"text": " world"}], "STOP", USAGE),
        )

    request = ModelRequest(
        model=MODEL,
        messages=[
            Message("system", "Be brief."),
            Message("user", "weather in Paris?"),
            Message(
                "assistant", "", tool_calls=[ToolCall("call_1", "get_weather", {"city": "Paris"})]
            ),
            Message("tool", "sunny", tool_call_id="call_1"),
        ],
        tools=[
            ToolSpec(
                "get_weather",
                "Weather for a city.",
                {"type": "object", "properties": {"city": {"type": "string"}}},
            )
        ],
        sampling=Sampling(temperature=0.1, top_k=20, max_tokens=256),
    )
    parts = await collect(provider(handler), request)
    assert parts == [TextDelta("Hello"), TextDelta(" world"), Usage(9, 4), Stop("end")]
    assert seen["url"] == f"{BASE}/models/{MODEL}:streamGenerateContent?alt=sse"
    assert seen["headers"]["x-goog-api-key"] == KEY
    assert KEY not in seen["url"]
    body = seen["body"]
    assert body["systemInstruction"] == {"parts": [{"text": "Be brief."}]}
    assert body["contents"] == [
        {"role": "user", "parts": [{"text": "weather in Paris?"}]},
        {
            "role": "model",
            "parts": [{"functionCall": {"name": "get_weather", "args": {"city": "Paris"}}}],
        },
        {
            "role": "user",
            "parts": [
                {"functionResponse": {"name": "get_weather", "response": {"result": "sunny"}}}
            ],
        },
    ]
    assert body["tools"] == [
        {
            "functionDeclarations": [
                {
                    "name": "get_weather",
                    "description": "Weather for a city.",
                    "parametersJsonSchema": {
                        "type": "object",
                        "properties": {"city": {"type": "string"}},
                    },
                }
            ]
        }
    ]
    assert body["generationConfig"] == {"temperature": 0.1, "topK": 20, "maxOutputTokens": 256}


async def test_thinking_config_and_thought_parts() -> None:
    seen: dict[str, object] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen.update(json.loads(request.content))
        return sse(
            chunk([{"text": "**Adding** two and two", "thought": True}]),
            chunk([{"text": "4"}], "STOP", {**USAGE, "thoughtsTokenCount": 30}),
        )

    parts = await collect(provider(handler), hello(thinking="medium"))
    assert seen["generationConfig"] == {
        "thinkingConfig": {"thinkingBudget": 8192, "includeThoughts": True}
    }
    assert parts[:2] == [ThinkingDelta("**Adding** two and two"), TextDelta("4")]
    assert Usage(input_tokens=9, output_tokens=34) in parts


async def test_parallel_function_calls_get_ids() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return sse(
            chunk(
                [
                    {
                        "functionCall": {"name": "get_weather", "args": {"city": "Paris"}},
                        "thoughtSignature": "sigA",
                    },
                    {"functionCall": {"name": "get_weather", "args": {"city": "Rome"}}},
                ],
                "STOP",
                USAGE,
            )
        )

    parts = await collect(provider(handler), hello())
    calls = [p.call for p in parts if isinstance(p, ToolCallPart)]
    assert [(c.name, c.arguments) for c in calls] == [
        ("get_weather", {"city": "Paris"}),
        ("get_weather", {"city": "Rome"}),
    ]
    assert calls[0].id and calls[1].id and calls[0].id != calls[1].id
    assert parts[-1] == Stop("tool_calls")


async def test_thought_signatures_are_replayed() -> None:
    bodies: list[dict[str, object]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        bodies.append(json.loads(request.content))
        if len(bodies) == 1:
            return sse(
                chunk(
                    [{"functionCall": {"name": "ls", "args": {}}, "thoughtSignature": "sig-xyz"}],
                    "STOP",
                )
            )
        return sse(chunk([{"text": "done"}], "STOP"))

    p = provider(handler)
    first = await collect(p, hello("gemini-3-pro-preview"))
    call = next(x.call for x in first if isinstance(x, ToolCallPart))
    follow = hello("gemini-3-pro-preview")
    follow.messages += [
        Message("assistant", "", tool_calls=[call]),
        Message("tool", "a.py", tool_call_id=call.id, name="ls"),
    ]
    await collect(p, follow)
    assert bodies[1]["contents"][1]["parts"][0]["thoughtSignature"] == "sig-xyz"


async def test_gemini3_history_without_signature_uses_the_documented_bypass() -> None:
    seen: dict[str, object] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen.update(json.loads(request.content))
        return sse(chunk([{"text": "ok"}], "STOP"))

    request = hello("gemini-3-flash-preview")
    request.messages += [
        Message(
            "assistant", "", tool_calls=[ToolCall("old", "ls", {}), ToolCall("old2", "ls", {})]
        ),
        Message("tool", "x", tool_call_id="old", name="ls"),
        Message("tool", "y", tool_call_id="old2", name="ls"),
    ]
    await collect(provider(handler), request)
    model_parts = seen["contents"][1]["parts"]
    assert model_parts[0]["thoughtSignature"] == SKIP_SIGNATURE
    assert "thoughtSignature" not in model_parts[1]
    assert len(seen["contents"][2]["parts"]) == 2  # both results in one user turn


async def test_usage_reports_cached_content() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        usage = {
            "promptTokenCount": 5000,
            "candidatesTokenCount": 20,
            "cachedContentTokenCount": 4096,
            "totalTokenCount": 5020,
        }
        return sse(chunk([{"text": "ok"}], "STOP", usage))

    parts = await collect(provider(handler), hello())
    assert Usage(input_tokens=904, output_tokens=20, cache_read_tokens=4096) in parts


@pytest.mark.parametrize(
    ("finish", "stop"), [("STOP", "end"), ("MAX_TOKENS", "max_tokens"), ("SAFETY", "error")]
)
async def test_finish_reasons(finish: str, stop: str) -> None:
    parts = await collect(provider(lambda r: sse(chunk([{"text": "x"}], finish))), hello())
    assert parts[-1] == Stop(stop)  # type: ignore[arg-type]


def error_response(status: int, state: str, message: str, **headers: str) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            status,
            json={"error": {"code": status, "message": message, "status": state}},
            headers=headers,
        )

    return handler


@pytest.mark.parametrize(
    ("status", "state", "message", "kind"),
    [
        (400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.", "auth"),
        (400, "INVALID_ARGUMENT", "Invalid value at 'contents[0].role'", "bad_request"),
        (403, "PERMISSION_DENIED", "Method doesn't allow unregistered callers.", "auth"),
        (404, "NOT_FOUND", "models/gemini-9 is not found for API version v1beta", "not_found"),
        (500, "INTERNAL", "An internal error has occurred.", "server"),
        (503, "UNAVAILABLE", "The model is overloaded. Please try again later.", "overloaded"),
        (
            400,
            "INVALID_ARGUMENT",
            "The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).",
            "context_length",
        ),
    ],
)
async def test_errors_are_mapped(status: int, state: str, message: str, kind: str) -> None:
    with pytest.raises(ProviderError) as info:
        await collect(provider(error_response(status, state, message)), hello())
    assert info.value.kind == kind
    assert info.value.message.startswith("google: ")
    assert KEY not in info.value.message


async def test_rate_limit_reads_retry_delay_from_details() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        body = {
            "error": {
                "code": 429,
                "message": "You exceeded your current quota.",
                "status": "RESOURCE_EXHAUSTED",
                "details": [
                    {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "36s"}
                ],
            }
        }
        return httpx.Response(429, json=body)

    with pytest.raises(ProviderError) as info:
        await collect(provider(handler), hello())
    assert info.value.kind == "rate_limit"
    assert info.value.retry_after == 36.0


async def test_list_models_keeps_generators_only() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["x-goog-api-key"] == KEY
        if request.url.params.get("pageToken") == "p2":
            return httpx.Response(
                200,
                json={
                    "models": [
                        {
                            "name": "models/gemini-2.5-pro",
                            "supportedGenerationMethods": ["generateContent", "countTokens"],
                        }
                    ]
                },
            )
        return httpx.Response(
            200,
            json={
                "models": [
                    {
                        "name": "models/gemini-2.5-flash",
                        "supportedGenerationMethods": ["generateContent"],
                    },
                    {
                        "name": "models/text-embedding-004",
                        "supportedGenerationMethods": ["embedContent"],
                    },
                ],
                "nextPageToken": "p2",
            },
        )

    assert await provider(handler).list_models() == ["gemini-2.5-flash", "gemini-2.5-pro"]


READ = ToolSpec(
    "read", "Read a file.", {"type": "object", "properties": {"path": {"type": "string"}}}
)
LS = ToolSpec("ls", "List a directory.", {"type": "object", "properties": {}})


async def test_tool_choice_and_forced_tool_set_the_calling_mode() -> None:
    bodies: list[dict[str, object]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        bodies.append(json.loads(request.content))
        return sse(chunk([{"text": "ok"}], "STOP", USAGE))

    p = provider(handler)
    await collect(p, hello(tools=[LS, READ]))
    await collect(p, hello(tools=[LS, READ], tool_choice="required"))
    await collect(p, hello(tools=[LS, READ], tool_choice="none"))
    await collect(p, hello(tools=[LS, READ], force_tool="read"))
    await collect(p, hello(tool_choice="none"))  # no tools: nothing to choose between
    assert [b.get("toolConfig") for b in bodies] == [
        None,
        {"functionCallingConfig": {"mode": "ANY"}},
        {"functionCallingConfig": {"mode": "NONE"}},
        {"functionCallingConfig": {"mode": "ANY", "allowedFunctionNames": ["read"]}},
        None,
    ]


async def test_forcing_a_tool_that_is_not_offered_fails_before_sending() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise AssertionError("the request must not be sent")

    with pytest.raises(ProviderError, match="force_tool='rm' is not one of"):
        await collect(provider(handler), hello(tools=[READ], force_tool="rm"))
