"""The provider catalog: every known vendor present, adapters chosen by wire, local detection."""

from __future__ import annotations

import httpx
import pytest

from aura_core.errors import ProviderError
from aura_core.providers.anthropic_messages import AnthropicMessagesProvider
from aura_core.providers.base import Provider
from aura_core.providers.catalog import (
    ProviderInfo,
    detect_local_servers,
    load_catalog,
    make_provider,
)
from aura_core.providers.gemini import GeminiProvider
from aura_core.providers.ollama import OllamaProvider
from aura_core.providers.openai_chat import OpenAIChatProvider

EXPECTED = {
    "anthropic", "openai", "google", "minimax", "deepseek", "mistral", "zhipu", "xiaomi",
    "moonshot", "openrouter", "together", "groq", "siliconflow", "ollama", "lmstudio",
    "localai", "vllm", "tgi", "sglang", "local",
}  # fmt: skip


def test_every_provider_is_listed() -> None:
    assert set(load_catalog()) == EXPECTED


def test_rows_are_consistent() -> None:
    for info in load_catalog().values():
        assert info.wire in ("openai_chat", "anthropic_messages", "gemini", "ollama", "local")
        assert info.auth in ("bearer", "x-api-key", "x-goog-api-key", "none")
        assert info.name
        if info.local:
            assert info.auth == "none"
            assert info.free_tier
        else:
            assert info.base_url.startswith("https://")
            assert info.key_env.endswith("_API_KEY")
        if info.local and info.wire != "local":
            assert info.default_port > 0
            assert f":{info.default_port}" in info.base_url


def test_reference_facts() -> None:
    c = load_catalog()
    assert c["anthropic"].auth == "x-api-key"
    assert c["google"].free_tier and c["google"].wire == "gemini"
    assert c["groq"].free_tier and c["openrouter"].free_tier and c["zhipu"].free_tier
    assert not c["openai"].free_tier
    assert c["ollama"].default_port == 11434
    assert c["lmstudio"].default_port == 1234
    assert c["local"].wire == "local"


@pytest.mark.parametrize(
    ("provider_id", "cls"),
    [
        ("anthropic", AnthropicMessagesProvider),
        ("openai", OpenAIChatProvider),
        ("google", GeminiProvider),
        ("groq", OpenAIChatProvider),
        ("xiaomi", OpenAIChatProvider),
        ("ollama", OllamaProvider),
        ("vllm", OpenAIChatProvider),
    ],
)
def test_make_provider_picks_the_adapter(provider_id: str, cls: type) -> None:
    info = load_catalog()[provider_id]
    p = make_provider(info, None if info.auth == "none" else "key-123")
    assert isinstance(p, cls)
    assert isinstance(p, Provider)
    assert p.name == provider_id


def test_base_url_override() -> None:
    p = make_provider(load_catalog()["vllm"], None, base_url="http://gpu-box:9000/v1")
    assert isinstance(p, OpenAIChatProvider)
    assert p.base_url == "http://gpu-box:9000/v1"


def test_custom_provider_row() -> None:
    info = ProviderInfo(
        id="mybox", name="My box", wire="openai_chat", base_url="https://llm.example.com/v1"
    )
    p = make_provider(info, "k")
    assert isinstance(p, OpenAIChatProvider)
    assert p.name == "mybox"


def test_missing_key_says_how_to_set_it() -> None:
    with pytest.raises(ProviderError) as info:
        make_provider(load_catalog()["groq"], None)
    assert info.value.kind == "auth"
    assert "GROQ_API_KEY" in info.value.message
    assert "aura models key set groq" in info.value.message


def test_local_engine_is_not_an_http_adapter() -> None:
    with pytest.raises(ProviderError) as info:
        make_provider(load_catalog()["local"], None)
    assert "local provider" in info.value.message


async def test_detect_local_servers() -> None:
    probed: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        probed.append(f"{request.url.port}{request.url.path}")
        if request.url.port == 11434 and request.url.path == "/api/tags":
            return httpx.Response(200, json={"models": []})
        if request.url.port == 1234:
            return httpx.Response(200, json={"object": "list", "data": []})
        if request.url.port == 8080:
            return httpx.Response(404, text="not here")  # something else owns the port
        raise httpx.ConnectError("Connection refused", request=request)

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        found = await detect_local_servers(client)
    assert found == ["ollama", "lmstudio"]
    assert "11434/api/tags" in probed
    assert "8000/v1/models" in probed
    assert "30000/v1/models" in probed


async def test_detect_local_servers_ignores_non_json() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text="<html>a web app</html>")

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        assert await detect_local_servers(client, host="10.0.0.5") == []
