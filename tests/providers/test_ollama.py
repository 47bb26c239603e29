"""The Ollama native adapter against recorded-shape ``/api/chat`` NDJSON bodies."""

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
from aura_core.providers.ollama import OllamaProvider

MODEL = "qwen3:0.6b"
Handler = Callable[[httpx.Request], httpx.Response]


def line(message: dict[str, object]) -> dict[str, object]:
    return {
        "model": MODEL,
        "created_at": "2025-05-27T22:54:57.641643Z",
        "message": {"role": "assistant", "content": "", **message},
        "done": False,
    }


def done(reason: str = "stop", prompt: int = 26, output: int = 12) -> dict[str, object]:
    return {
        "model": MODEL,
        "created_at": "2025-05-27T22:54:58.100509Z",
        "message": {"role": "assistant", "content": ""},
        "done": True,
        "done_reason": reason,
        "total_duration": 4883583458,
        "load_duration": 1334875,
        "prompt_eval_count": prompt,
        "prompt_eval_duration": 342546000,
        "eval_count": output,
        "eval_duration": 4535599000,
    }


def ndjson(*lines: dict[str, object]) -> httpx.Response:
    body = "".join(json.dumps(x) + "\n" for x in lines)
    return httpx.Response(200, text=body, headers={"content-type": "application/x-ndjson"})


def provider(handler: Handler, api_key: str | None = None) -> OllamaProvider:
    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return OllamaProvider("ollama", "http://127.0.0.1:11434", api_key, client=client)


async def collect(p: OllamaProvider, request: ModelRequest) -> list[StreamPart]:
    return [part async for part in p.stream(request)]


def hello(**kw: object) -> ModelRequest:
    return ModelRequest(model=MODEL, messages=[Message("user", "hi")], **kw)  # type: ignore[arg-type]


async def test_text_streams_and_request_is_mapped() -> None:
    seen: dict[str, object] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen["url"] = str(request.url)
        seen["headers"] = request.headers
        seen["body"] = json.loads(request.content)
        return ndjson(line({"content": "Hel"}), line({"content": "lo"}), done())

    request = ModelRequest(
        model=MODEL,
        messages=[
            Message("system", "Be brief."),
            Message("user", "weather?"),
            Message(
                "assistant", "", tool_calls=[ToolCall("c1", "get_weather", {"city": "Toronto"})]
            ),
            Message("tool", "11 degrees", tool_call_id="c1"),
        ],
        tools=[ToolSpec("get_weather", "Weather.", {"type": "object", "properties": {}})],
        sampling=Sampling(temperature=0.7, top_k=40, repeat_penalty=1.1, max_tokens=64, seed=7),
    )
    parts = await collect(provider(handler), request)
    assert parts == [TextDelta("Hel"), TextDelta("lo"), Usage(26, 12), Stop("end")]
    assert seen["url"] == "http://127.0.0.1:11434/api/chat"
    assert "authorization" not in seen["headers"]
    body = seen["body"]
    assert body["model"] == MODEL
    assert body["stream"] is True
    assert "think" not in body
    assert body["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "weather?"},
        {
            "role": "assistant",
            "content": "",
            "tool_calls": [{"function": {"name": "get_weather", "arguments": {"city": "Toronto"}}}],
        },
        {"role": "tool", "content": "11 degrees", "tool_name": "get_weather"},
    ]
    assert body["tools"] == [
        {
            "type": "function",
            "function": {
                "name": "get_weather",
                "description": "Weather.",
                "parameters": {"type": "object", "properties": {}},
            },
        }
    ]
    assert body["options"] == {
        "temperature": 0.7,
        "top_k": 40,
        "repeat_penalty": 1.1,
        "num_predict": 64,
        "seed": 7,
    }


async def test_thinking_streams_separately() -> None:
    seen: dict[str, object] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen.update(json.loads(request.content))
        return ndjson(
            line({"thinking": "Hmm, "}), line({"thinking": "four."}), line({"content": "4"}), done()
        )

    parts = await collect(provider(handler), hello(thinking="low"))
    assert seen["think"] is True
    assert parts[:3] == [ThinkingDelta("Hmm, "), ThinkingDelta("four."), TextDelta("4")]


async def test_gpt_oss_gets_an_effort_level() -> None:
    seen: dict[str, object] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen.update(json.loads(request.content))
        return ndjson(done())

    await collect(
        provider(handler),
        ModelRequest(model="gpt-oss:20b", messages=[Message("user", "x")], thinking="high"),
    )
    assert seen["think"] == "high"


async def test_parallel_tool_calls_get_ids() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return ndjson(
            line(
                {
                    "tool_calls": [
                        {"function": {"name": "get_weather", "arguments": {"city": "Toronto"}}},
                        {"function": {"index": 1, "name": "get_time", "arguments": {"tz": "EST"}}},
                    ]
                }
            ),
            done(),
        )

    parts = await collect(provider(handler), hello())
    calls = [p.call for p in parts if isinstance(p, ToolCallPart)]
    assert [(c.name, c.arguments) for c in calls] == [
        ("get_weather", {"city": "Toronto"}),
        ("get_time", {"tz": "EST"}),
    ]
    assert calls[0].id != calls[1].id
    assert parts[-1] == Stop("tool_calls")


@pytest.mark.parametrize(("reason", "stop"), [("stop", "end"), ("length", "max_tokens")])
async def test_done_reasons(reason: str, stop: str) -> None:
    parts = await collect(provider(lambda r: ndjson(line({"content": "x"}), done(reason))), hello())
    assert parts[-1] == Stop(stop)  # type: ignore[arg-type]


async def test_api_key_is_sent_as_bearer_when_given() -> None:
    seen: dict[str, str] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen["auth"] = request.headers.get("authorization", "")
        return ndjson(done())

    await collect(provider(handler, api_key="ollama-secret"), hello())
    assert seen["auth"] == "Bearer ollama-secret"


@pytest.mark.parametrize(
    ("status", "message", "kind"),
    [
        (404, f'model "{MODEL}" not found, try pulling it first', "not_found"),
        (400, f"registry.ollama.ai/library/{MODEL} does not support tools", "bad_request"),
        (401, "unauthorized", "auth"),
        (500, "llama runner process has terminated: exit status 2", "server"),
        (503, "server busy, please try again.  maximum pending requests exceeded", "overloaded"),
        (429, "too many requests", "rate_limit"),
    ],
)
async def test_errors_are_mapped(status: int, message: str, kind: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json={"error": message})

    with pytest.raises(ProviderError) as info:
        await collect(provider(handler), hello())
    assert info.value.kind == kind
    assert info.value.message.startswith("ollama: ")
    assert "\n" not in info.value.message


async def test_context_overflow_is_context_length() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(400, json={"error": "input length exceeds the context length"})

    with pytest.raises(ProviderError) as info:
        await collect(provider(handler), hello())
    assert info.value.kind == "context_length"


async def test_error_line_mid_stream() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return ndjson(
            line({"content": "par"}), {"error": "an error was encountered while running the model"}
        )

    with pytest.raises(ProviderError) as info:
        await collect(provider(handler), hello())
    assert "an error was encountered" in info.value.message


async def test_server_not_running_is_a_connection_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)

    with pytest.raises(ProviderError) as info:
        await collect(provider(handler), hello())
    assert info.value.kind == "connection"
    assert "127.0.0.1:11434" in info.value.message


async def test_list_models() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/api/tags"
        return httpx.Response(
            200,
            json={
                "models": [
                    {
                        "name": "qwen3:0.6b",
                        "model": "qwen3:0.6b",
                        "modified_at": "2025-05-04T17:37:44Z",
                        "size": 522653767,
                        "digest": "abc",
                        "details": {"family": "qwen3"},
                    },
                    {
                        "name": "llama3.2:latest",
                        "model": "llama3.2:latest",
                        "modified_at": "2025-05-04T17:37:44Z",
                        "size": 2019393189,
                        "digest": "def",
                        "details": {"family": "llama"},
                    },
                ]
            },
        )

    assert await provider(handler).list_models() == ["llama3.2:latest", "qwen3:0.6b"]


READ = ToolSpec(
    "read", "Read a file.", {"type": "object", "properties": {"path": {"type": "string"}}}
)


async def test_tool_choice_none_leaves_the_tools_out_and_forcing_sends_them() -> None:
    bodies: list[dict[str, object]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        bodies.append(json.loads(request.content))
        return ndjson(line({"content": "ok"}), done())

    p = provider(handler)
    await collect(p, hello(tools=[READ], tool_choice="none"))
    await collect(p, hello(tools=[READ], tool_choice="required"))
    await collect(p, hello(tools=[READ], force_tool="read"))
    none, required, forced = bodies
    assert "tools" not in none
    # Ollama has no tool_choice: a required or forced call sends the tools as for "auto"
    assert (
        required["tools"]
        == forced["tools"]
        == [
            {
                "type": "function",
                "function": {
                    "name": "read",
                    "description": "Read a file.",
                    "parameters": READ.parameters,
                },
            }
        ]
    )
    assert not any("tool_choice" in b for b in bodies)
    with pytest.raises(ProviderError, match="force_tool='ls' is not one of"):
        await collect(p, hello(tools=[READ], force_tool="ls"))
