"""The provider catalog: every known vendor as a row of data, and the adapter each one uses."""

from __future__ import annotations

import asyncio
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal, get_args

import httpx

from aura_core.errors import ConfigError, ProviderError
from aura_core.providers.anthropic_messages import AnthropicMessagesProvider
from aura_core.providers.base import Provider
from aura_core.providers.gemini import GeminiProvider
from aura_core.providers.ollama import OllamaProvider
from aura_core.providers.openai_chat import OpenAIChatProvider

__all__ = [
    "Auth",
    "ProviderInfo",
    "Wire",
    "detect_local_servers",
    "load_catalog",
    "make_provider",
]

Wire = Literal["openai_chat", "anthropic_messages", "gemini", "ollama", "local"]
Auth = Literal["bearer", "x-api-key", "x-goog-api-key", "none"]

PROBE_TIMEOUT = httpx.Timeout(0.5)
"""How long a local-server probe waits: a server on loopback answers at once or not at all."""

_ADAPTERS = {
    "openai_chat": OpenAIChatProvider,
    "anthropic_messages": AnthropicMessagesProvider,
    "gemini": GeminiProvider,
    "ollama": OllamaProvider,
}


@dataclass(slots=True, frozen=True)
class ProviderInfo:
    """One catalog row.

    Attributes:
        id: the provider id used in model ids (``groq:llama-3.3-70b``).
        name: the display name.
        wire: the wire format, which picks the adapter.
        base_url: the API root the adapter appends its paths to.
        auth: how the key is sent.
        key_env: the environment variable holding the key (empty when none is needed).
        free_tier: whether the vendor offers free use.
        local: whether it runs on the user's machine.
        default_port: the port a local server listens on by default (0 when none).
        docs: a short note for users.
    """

    id: str
    name: str
    wire: Wire
    base_url: str
    auth: Auth = "bearer"
    key_env: str = ""
    free_tier: bool = False
    local: bool = False
    default_port: int = 0
    docs: str = ""

    @property
    def needs_key(self) -> bool:
        """Whether calls need an API key."""
        return self.auth != "none"

    def public_dict(self) -> dict[str, object]:
        """What ``aura models list --json`` and ``/api/providers`` show of the row."""
        return {
            "id": self.id,
            "name": self.name,
            "wire": self.wire,
            "base_url": self.base_url,
            "local": self.local,
            "free_tier": self.free_tier,
            "key_env": self.key_env,
        }


def _row(provider_id: str, raw: dict[str, object]) -> ProviderInfo:
    wire, auth = raw.get("wire"), raw.get("auth", "bearer")
    if wire not in get_args(Wire):
        raise ConfigError(f"provider {provider_id}: unknown wire {wire!r}")
    if auth not in get_args(Auth):
        raise ConfigError(f"provider {provider_id}: unknown auth {auth!r}")
    return ProviderInfo(
        id=provider_id,
        name=str(raw.get("name", provider_id)),
        wire=wire,  # type: ignore[arg-type]
        base_url=str(raw.get("base_url", "")),
        auth=auth,  # type: ignore[arg-type]
        key_env=str(raw.get("key_env", "")),
        free_tier=bool(raw.get("free_tier", False)),
        local=bool(raw.get("local", False)),
        default_port=int(raw.get("default_port", 0)),  # type: ignore[call-overload]
        docs=str(raw.get("docs", "")),
    )


@cache
def _load() -> tuple[ProviderInfo, ...]:
    text = resources.files("aura_core.providers").joinpath("catalog.toml").read_text("utf-8")
    return tuple(_row(pid, raw) for pid, raw in tomllib.loads(text).items())


def load_catalog() -> dict[str, ProviderInfo]:
    """Read the built-in provider catalog.

    Returns:
        Provider id → row, in catalog order (cloud vendors first, then local servers).

    Raises:
        ConfigError: the bundled catalog has an unknown wire or auth value.
    """
    return {info.id: info for info in _load()}


def make_provider(
    info: ProviderInfo,
    api_key: str | None,
    *,
    client: httpx.AsyncClient | None = None,
    base_url: str | None = None,
    headers: dict[str, str] | None = None,
) -> Provider:
    """Build the adapter for a catalog row.

    Args:
        info: the provider's row (built-in, or a user's custom provider).
        api_key: the key; ``None`` for servers without auth.
        client: an HTTP client to use instead of the shared one (tests inject a mock transport).
        base_url: a user override of ``info.base_url``.
        headers: extra headers sent with every request.

    Returns:
        A :class:`Provider` named ``info.id``.

    Raises:
        ProviderError: the row is Aura's in-process engine (``wire = "local"``), which is not an
            HTTP adapter, or the provider needs a key and none was given.
    """
    if info.wire == "local":
        raise ProviderError(
            f"{info.id}: runs in-process; use the local provider "
            "(aura_core.providers.local), not an HTTP adapter",
            kind="unavailable",
            provider=info.id,
        )
    if info.needs_key and not api_key:
        hint = f"set {info.key_env} or " if info.key_env else ""
        raise ProviderError(
            f"{info.id}: no API key; {hint}run `aura models key set {info.id}`",
            kind="auth",
            provider=info.id,
        )
    adapter = _ADAPTERS[info.wire]
    return adapter(info.id, base_url or info.base_url, api_key, client=client, headers=headers)


async def _answers(client: httpx.AsyncClient, info: ProviderInfo, host: str) -> bool:
    path = "/api/tags" if info.wire == "ollama" else "/v1/models"
    try:
        response = await client.get(
            f"http://{host}:{info.default_port}{path}", timeout=PROBE_TIMEOUT
        )
        response.json()
    except (httpx.HTTPError, ValueError):
        return False
    return response.is_success


async def detect_local_servers(client: httpx.AsyncClient, host: str = "127.0.0.1") -> list[str]:
    """Find local inference servers listening on their default ports.

    Args:
        client: the HTTP client used for the probes.
        host: the host to probe.

    Returns:
        Ids of the catalog's local providers that answered with a model list, in catalog order.
    """
    rows = [info for info in load_catalog().values() if info.local and info.default_port]
    found = await asyncio.gather(*(_answers(client, info, host) for info in rows))
    return [info.id for info, ok in zip(rows, found, strict=True) if ok]
