"""The in-process local provider on the real embedded model."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from aura_core.errors import NotFoundError, ProviderError
from aura_core.messages import Message, ToolSpec
from aura_core.providers.base import ModelRequest, Provider, Sampling, Stop, TextDelta, Usage
from aura_core.providers.local import LocalProvider, LocalSettings


@pytest.fixture(scope="module")
def provider(embedded_gguf: Path) -> Iterator[LocalProvider]:
    """A provider on the embedded model; the model loads once for the module."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AURA_EMBEDDED_MODEL", str(embedded_gguf))
        yield LocalProvider(LocalSettings(temperature=0.0, max_tokens=48, seed=1))


def _chat(text: str, **sampling: object) -> ModelRequest:
    return ModelRequest("", [Message("user", text)], sampling=Sampling(**sampling))  # type: ignore[arg-type]


def test_local_provider_meets_the_protocol() -> None:
    assert isinstance(LocalProvider(), Provider)
    assert LocalProvider().name == "local"


@pytest.mark.local_model
async def test_chat_streams_text_then_usage_then_stop(provider: LocalProvider) -> None:
    parts = [p async for p in provider.stream(_chat("Once upon a time there was a king who"))]

    deltas = [p for p in parts if isinstance(p, TextDelta)]
    assert len(deltas) >= 2
    assert "".join(d.text for d in deltas).strip()
    usage = parts[-2]
    assert (
        isinstance(usage, Usage) and usage.input_tokens > 5 and usage.output_tokens >= len(deltas)
    )
    assert isinstance(parts[-1], Stop) and parts[-1].reason in ("end", "max_tokens")


@pytest.mark.local_model
async def test_an_answer_with_tools_streams_its_text(provider: LocalProvider) -> None:
    tool = ToolSpec(
        "read_file",
        "Read a text file.",
        {"type": "object", "properties": {"path": {"type": "string"}}, "required": ["path"]},
    )
    request = ModelRequest("", [Message("user", "What is 2+2?")], [tool])
    parts = [p async for p in provider.stream(request)]

    deltas = [p.text for p in parts if isinstance(p, TextDelta)]
    assert len(deltas) >= 2
    assert not "".join(deltas).startswith(("Answer", " "))
    assert parts[-1] == Stop("end")


@pytest.mark.local_model
async def test_request_sampling_overrides_the_settings(provider: LocalProvider) -> None:
    parts = [
        p async for p in provider.stream(_chat("Count to one hundred: 1, 2, 3,", max_tokens=3))
    ]

    assert parts[-1] == Stop("max_tokens")
    assert isinstance(parts[-2], Usage) and parts[-2].output_tokens == 3


@pytest.mark.local_model
async def test_stopping_the_stream_stops_generation(provider: LocalProvider) -> None:
    request = _chat("Count to five hundred: 1, 2, 3,", max_tokens=400)
    stream = provider.stream(request)
    async for part in stream:
        if isinstance(part, TextDelta):
            break
    await stream.aclose()  # type: ignore[attr-defined]

    model = provider.model_for()
    assert model.lock.acquire(timeout=60)  # the worker let go of the model
    model.lock.release()
    assert provider.last_result is not None
    assert provider.last_result.reason == "cancelled"
    assert provider.last_result.output_tokens < 400


@pytest.mark.local_model
async def test_a_prompt_longer_than_the_context_is_refused(provider: LocalProvider) -> None:
    with pytest.raises(ProviderError) as info:
        async for _ in provider.stream(_chat("word " * 5000)):
            pass
    assert info.value.kind == "context_length" and "local.n_ctx" in info.value.message


async def test_unknown_model_lists_the_available_ones(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="available: gemma3-270m"):
        async for _ in LocalProvider().stream(ModelRequest("no-such-model", [])):
            pass


async def test_a_broken_gguf_is_unavailable_in_one_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"GGUF but not really")

    with pytest.raises(ProviderError) as info:
        async for _ in LocalProvider().stream(ModelRequest(str(broken), [Message("user", "hi")])):
            pass
    assert info.value.kind == "unavailable"
    assert "broken.gguf" in info.value.message and "\n" not in info.value.message
