"""What every HTTP wire adapter shares: identity, credentials and the pooled client."""

from __future__ import annotations

from typing import ClassVar

import httpx

from aura_core.providers.http import shared_client

__all__ = ["HttpAdapter"]


class HttpAdapter:
    """Base of the wire adapters (OpenAI chat, Anthropic messages, Gemini, Ollama).

    Subclasses say how the key is sent (``auth_header`` / ``auth_prefix``), which headers
    every call carries (``base_headers``) and which path suffixes a user-given base URL may
    carry that the adapter adds itself (``strip_suffixes``).

    Args:
        name: the provider's name (used in errors and usage records).
        base_url: the vendor's API root.
        api_key: the key, or None for servers that need none.
        client: an ``httpx.AsyncClient`` to use instead of the shared one (tests inject one
            with a ``MockTransport``).
        headers: extra headers sent on every call.
    """

    auth_header: ClassVar[str] = "Authorization"
    auth_prefix: ClassVar[str] = "Bearer "
    base_headers: ClassVar[dict[str, str]] = {}
    strip_suffixes: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self,
        name: str,
        base_url: str,
        api_key: str | None,
        *,
        client: httpx.AsyncClient | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.name = name
        url = base_url.rstrip("/")
        for suffix in self.strip_suffixes:
            url = url.removesuffix(suffix)
        self.base_url = url
        self._api_key = api_key
        self._client = client
        self._headers = dict(headers or {})
        self._init_state()

    def _init_state(self) -> None:
        """Set up the adapter's own per-instance state (a hook for subclasses)."""

    @property
    def http(self) -> httpx.AsyncClient:
        """The injected client, or the process's shared pooled one."""
        return self._client or shared_client()

    def _auth_headers(self) -> dict[str, str]:
        headers = {**self.base_headers, **self._headers}
        if self._api_key:
            headers[self.auth_header] = f"{self.auth_prefix}{self._api_key}"
        return headers
