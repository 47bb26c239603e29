"""The official openai, anthropic and ollama clients against a real ``aura serve``."""

from __future__ import annotations

import json

import anthropic
import ollama
import openai
from tests.server.conftest import LiveServer

WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather in a city.",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    },
}


def _openai(live: LiveServer) -> openai.OpenAI:
    return openai.OpenAI(base_url=live.url + "/v1", api_key=live.token, max_retries=0)


def test_openai_chat_completion_not_streamed(live: LiveServer) -> None:
    reply = _openai(live).chat.completions.create(
        model="scripted:x", messages=[{"role": "user", "content": "hi"}]
    )
    assert reply.choices[0].message.content == "Hello from Aura."
    assert reply.choices[0].finish_reason == "stop"
    assert reply.usage is not None and reply.usage.total_tokens > 0


def test_openai_chat_completion_streamed_with_usage(live: LiveServer) -> None:
    chunks = list(
        _openai(live).chat.completions.create(
            model="gpt-4o-mini",
            messages=[{"role": "user", "content": "hi"}],
            stream=True,
            stream_options={"include_usage": True},
        )
    )
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "Hello from Aura."
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"
    assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens > 0


def test_openai_tool_call_round_trip(live: LiveServer) -> None:
    client = _openai(live)
    messages: list[dict[str, object]] = [{"role": "user", "content": "what is the weather?"}]
    first = client.chat.completions.create(
        model="scripted:x",
        messages=messages,  # type: ignore[arg-type]
        tools=[WEATHER_TOOL],
    )  # type: ignore[list-item]
    choice = first.choices[0]
    assert choice.finish_reason == "tool_calls"
    call = choice.message.tool_calls[0]  # type: ignore[index]
    assert call.function.name == "get_weather"
    assert json.loads(call.function.arguments) == {"city": "Paris"}
    messages += [
        choice.message.model_dump(exclude_none=True),
        {"role": "tool", "tool_call_id": call.id, "content": "sunny, 21 C"},
    ]
    second = client.chat.completions.create(
        model="scripted:x",
        messages=messages,  # type: ignore[arg-type]
        tools=[WEATHER_TOOL],
    )  # type: ignore[list-item]
    assert second.choices[0].message.content == "The tool said: sunny, 21 C"


def test_openai_streamed_tool_call(live: LiveServer) -> None:
    chunks = list(
        _openai(live).chat.completions.create(
            model="scripted:x",
            messages=[{"role": "user", "content": "weather please"}],
            tools=[WEATHER_TOOL],
            stream=True,
        )
    )  # type: ignore[list-item]
    calls = [tc for c in chunks if c.choices for tc in c.choices[0].delta.tool_calls or []]
    assert calls[0].function.name == "get_weather"
    assert json.loads(calls[0].function.arguments) == {"city": "Paris"}
    assert chunks[-1].choices[0].finish_reason == "tool_calls"


def test_openai_models_lists_the_default_model(live: LiveServer) -> None:
    ids = [m.id for m in _openai(live).models.list()]
    assert "scripted:x" in ids and "local:gemma3-270m" in ids


def test_openai_unknown_provider_is_a_404(live: LiveServer) -> None:
    try:
        _openai(live).chat.completions.create(
            model="nosuch:model", messages=[{"role": "user", "content": "hi"}]
        )
    except openai.NotFoundError as exc:
        body = exc.response.json()
        assert body["code"] == "NOT_FOUND" and "nosuch" in body["error"]
    else:
        raise AssertionError("expected a 404")


def test_openai_legacy_completions(live: LiveServer) -> None:
    reply = _openai(live).completions.create(model="scripted:x", prompt="hi")
    assert reply.choices[0].text == "Hello from Aura."
    streamed = list(_openai(live).completions.create(model="scripted:x", prompt="hi", stream=True))
    assert "".join(c.choices[0].text for c in streamed) == "Hello from Aura."


def _anthropic(live: LiveServer) -> anthropic.Anthropic:
    return anthropic.Anthropic(base_url=live.url, api_key=live.token, max_retries=0)


def test_anthropic_message_not_streamed(live: LiveServer) -> None:
    msg = _anthropic(live).messages.create(
        model="scripted:x",
        max_tokens=64,
        system="Be brief.",
        messages=[{"role": "user", "content": "hi"}],
    )
    assert msg.content[0].type == "text" and msg.content[0].text == "Hello from Aura."
    assert msg.stop_reason == "end_turn" and msg.usage.output_tokens > 0


def test_anthropic_message_streamed(live: LiveServer) -> None:
    with _anthropic(live).messages.stream(
        model="claude-sonnet-4",
        max_tokens=64,
        messages=[{"role": "user", "content": "hi"}],
    ) as stream:
        text = "".join(stream.text_stream)
        final = stream.get_final_message()
    assert text == "Hello from Aura."
    assert final.stop_reason == "end_turn"


def test_anthropic_tool_use_round_trip(live: LiveServer) -> None:
    client = _anthropic(live)
    tools = [
        {
            "name": "get_weather",
            "description": "Current weather.",
            "input_schema": WEATHER_TOOL["function"]["parameters"],
        }
    ]  # type: ignore[index]
    messages: list[dict[str, object]] = [{"role": "user", "content": "what is the weather?"}]
    first = client.messages.create(
        model="scripted:x",
        max_tokens=64,
        tools=tools,  # type: ignore[arg-type]
        messages=messages,
    )  # type: ignore[arg-type]
    assert first.stop_reason == "tool_use"
    use = next(b for b in first.content if b.type == "tool_use")
    assert use.name == "get_weather" and use.input == {"city": "Paris"}
    messages += [
        {"role": "assistant", "content": [b.model_dump() for b in first.content]},
        {
            "role": "user",
            "content": [{"type": "tool_result", "tool_use_id": use.id, "content": "rainy"}],
        },
    ]
    with client.messages.stream(
        model="scripted:x",
        max_tokens=64,
        tools=tools,  # type: ignore[arg-type]
        messages=messages,
    ) as stream:  # type: ignore[arg-type]
        second = stream.get_final_message()
    assert second.content[0].text == "The tool said: rainy"  # type: ignore[union-attr]


def test_anthropic_streamed_tool_use(live: LiveServer) -> None:
    tools = [
        {
            "name": "get_weather",
            "description": "Current weather.",
            "input_schema": WEATHER_TOOL["function"]["parameters"],
        }
    ]  # type: ignore[index]
    with _anthropic(live).messages.stream(
        model="scripted:x",
        max_tokens=64,
        tools=tools,  # type: ignore[arg-type]
        messages=[{"role": "user", "content": "weather?"}],
    ) as stream:
        final = stream.get_final_message()
    use = next(b for b in final.content if b.type == "tool_use")
    assert use.input == {"city": "Paris"} and final.stop_reason == "tool_use"


def _ollama(live: LiveServer) -> ollama.Client:
    return ollama.Client(host=live.url, headers={"Authorization": f"Bearer {live.token}"})


def test_ollama_chat_streamed_and_not(live: LiveServer) -> None:
    client = _ollama(live)
    whole = client.chat(
        model="scripted:x", messages=[{"role": "user", "content": "hi"}], stream=False
    )
    assert whole.message.content == "Hello from Aura." and whole.done
    parts = list(
        client.chat(model="scripted:x", messages=[{"role": "user", "content": "hi"}], stream=True)
    )
    assert "".join(p.message.content or "" for p in parts) == "Hello from Aura."
    assert parts[-1].done and parts[-1].eval_count


def test_ollama_tool_call_round_trip(live: LiveServer) -> None:
    client = _ollama(live)
    messages: list[dict[str, object]] = [{"role": "user", "content": "what is the weather?"}]
    first = client.chat(model="scripted:x", messages=messages, tools=[WEATHER_TOOL], stream=False)  # type: ignore[arg-type]
    call = first.message.tool_calls[0]  # type: ignore[index]
    assert call.function.name == "get_weather" and call.function.arguments == {"city": "Paris"}
    messages += [
        first.message.model_dump(exclude_none=True),
        {"role": "tool", "content": "foggy", "tool_name": "get_weather"},
    ]
    second = client.chat(model="scripted:x", messages=messages, tools=[WEATHER_TOOL], stream=False)  # type: ignore[arg-type]
    assert second.message.content == "The tool said: foggy"


def test_ollama_generate_tags_show_ps(live: LiveServer) -> None:
    client = _ollama(live)
    assert (
        client.generate(model="scripted:x", prompt="hi", stream=False).response
        == "Hello from Aura."
    )
    names = [m.model for m in client.list().models]
    assert "scripted:x" in names
    assert "tools" in (client.show("scripted:x").capabilities or [])
    assert client.ps().models == []


def test_gateway_responses_report_their_overhead(live: LiveServer) -> None:
    with live.client() as http:
        response = http.post(
            "/v1/chat/completions",
            json={"model": "scripted:x", "messages": [{"role": "user", "content": "hi"}]},
        )
    assert response.status_code == 200
    assert float(response.headers["x-aura-overhead-ms"]) >= 0


def test_tool_choice_reaches_the_provider(live: LiveServer) -> None:
    from openai import OpenAI

    seen: list[object] = []
    original = live.engine._providers["scripted"].stream  # type: ignore[attr-defined]

    def spy(request):  # type: ignore[no-untyped-def]
        seen.append((request.tool_choice, request.force_tool))
        return original(request)

    live.engine._providers["scripted"].stream = spy  # type: ignore[attr-defined]
    client = OpenAI(base_url=f"{live.url}/v1", api_key=live.token)
    tool = {
        "type": "function",
        "function": {
            "name": "get_weather",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
        },
    }
    client.chat.completions.create(
        model="scripted:x",
        messages=[{"role": "user", "content": "weather?"}],
        tools=[tool],
        tool_choice="required",
    )
    client.chat.completions.create(
        model="scripted:x",
        messages=[{"role": "user", "content": "weather?"}],
        tools=[tool],
        tool_choice={"type": "function", "function": {"name": "get_weather"}},
    )
    assert seen == [("required", None), ("auto", "get_weather")]
