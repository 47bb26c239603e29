"""The official clients against ``aura serve`` running the real embedded model."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import anthropic
import ollama
import openai
import pytest
from tests.server.conftest import TOKEN, LiveServer, start_server

from aura_core.config import load_config
from aura_core.engine import Engine
from aura_core.store import open_store

pytestmark = pytest.mark.local_model

MODEL = "local:gemma3-270m"
TOOL = {
    "type": "function",
    "function": {
        "name": "read_file",
        "description": "Read a file of the project.",
        "parameters": {
            "type": "object",
            "properties": {"path": {"type": "string"}},
            "required": ["path"],
        },
    },
}


@pytest.fixture
def local(
    embedded_gguf: Path, aura_home: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[LiveServer]:
    """A real server whose default model is the embedded Gemma 3 270M."""
    monkeypatch.setenv("AURA_EMBEDDED_MODEL", str(embedded_gguf))
    monkeypatch.setenv("AURA_LOCAL_MAX_TOKENS", "24")
    monkeypatch.setenv("AURA_LOCAL_TEMPERATURE", "0")
    engine = Engine(store=open_store(), config=load_config())
    info, server, thread = start_server(engine, TOKEN)
    yield info
    server.should_exit = True
    thread.join(timeout=10)


def test_openai_client_chats_with_the_local_model(local: LiveServer) -> None:
    client = openai.OpenAI(base_url=local.url + "/v1", api_key=local.token, max_retries=0)
    reply = client.chat.completions.create(
        model=MODEL, max_tokens=12, messages=[{"role": "user", "content": "Say hello."}]
    )
    assert reply.choices[0].message.content and reply.usage.completion_tokens > 0  # type: ignore[union-attr]
    chunks = list(
        client.chat.completions.create(
            model=MODEL,
            max_tokens=12,
            stream=True,
            messages=[{"role": "user", "content": "Once upon a time"}],
        )
    )
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices).strip()
    assert MODEL in [m.id for m in client.models.list()]


def test_openai_client_gets_a_valid_tool_call_from_the_local_model(local: LiveServer) -> None:
    client = openai.OpenAI(base_url=local.url + "/v1", api_key=local.token, max_retries=0)
    messages: list[dict[str, object]] = [
        {"role": "user", "content": "Read the file README.md and tell me what it says."}
    ]
    first = client.chat.completions.create(
        model=MODEL,
        messages=messages,
        tools=[TOOL],  # type: ignore[arg-type, list-item]
        max_tokens=64,
    )
    choice = first.choices[0]
    if choice.message.tool_calls:  # grammar-constrained: a call is always well-formed
        call = choice.message.tool_calls[0]
        assert call.function.name == "read_file"
        assert isinstance(json.loads(call.function.arguments), dict)
        messages += [
            choice.message.model_dump(exclude_none=True),
            {"role": "tool", "tool_call_id": call.id, "content": "# Demo project"},
        ]
        second = client.chat.completions.create(
            model=MODEL,
            messages=messages,
            tools=[TOOL],  # type: ignore[arg-type, list-item]
            max_tokens=24,
        )
        assert second.choices[0].finish_reason in ("stop", "length", "tool_calls")
    else:
        assert choice.message.content


def test_anthropic_and_ollama_clients_chat_with_the_local_model(local: LiveServer) -> None:
    msg = anthropic.Anthropic(
        base_url=local.url, api_key=local.token, max_retries=0
    ).messages.create(
        model=MODEL, max_tokens=12, messages=[{"role": "user", "content": "Say hello."}]
    )
    assert msg.content and msg.usage.output_tokens > 0
    client = ollama.Client(host=local.url, headers={"Authorization": f"Bearer {local.token}"})
    parts = list(
        client.chat(
            model=MODEL,
            messages=[{"role": "user", "content": "Hi"}],
            stream=True,
            options={"num_predict": 8},
        )
    )
    assert parts[-1].done and parts[-1].eval_count
