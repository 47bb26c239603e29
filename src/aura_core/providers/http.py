"""The shared HTTP layer of the cloud adapters: one pooled client and request helpers.

Error mapping lives in :mod:`http_errors` and stream parsing in :mod:`sse`; both are
re-exported here for the adapters.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager

import httpx

from aura_core.errors import ProviderError
from aura_core.providers.http_errors import (
    connection_error,
    error_from_body,
    parse_retry_after,
    raise_for_status,
)
from aura_core.providers.sse import SseEvent, decode_arguments, iter_sse, new_call_id

__all__ = [
    "DEFAULT_TIMEOUT",
    "SseEvent",
    "connection_error",
    "decode_arguments",
    "error_from_body",
    "get_json",
    "iter_sse",
    "make_client",
    "new_call_id",
    "open_stream",
    "parse_retry_after",
    "raise_for_status",
    "shared_client",
]

DEFAULT_TIMEOUT = httpx.Timeout(connect=10.0, read=300.0, write=30.0, pool=30.0)
"""Connect fast, but let a reasoning model think for minutes between streamed chunks."""

_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx.AsyncClient] = (
    weakref.WeakKeyDictionary()
)


def make_client(
    *, transport: httpx.AsyncBaseTransport | None = None, timeout: httpx.Timeout = DEFAULT_TIMEOUT
) -> httpx.AsyncClient:
    """Build an HTTP client configured for model APIs.

    Args:
        transport: a transport to use instead of the network (tests pass ``httpx.MockTransport``).
        timeout: connect/read/write/pool limits.

    Returns:
        A new ``httpx.AsyncClient``; the caller closes it.
    """
    if transport is None:
        transport = _fast_transport()
    return httpx.AsyncClient(transport=transport, timeout=timeout, follow_redirects=True)


def _fast_transport() -> httpx.AsyncBaseTransport | None:
    """aiohttp under httpx's API when available: far less CPU per request than httpcore."""
    try:
        from httpx_aiohttp import AiohttpTransport
    except ImportError:
        return None
    return AiohttpTransport()


async def close_shared_client() -> None:
    """Close the running loop's shared client (its pooled connections), if it has one."""
    client = _clients.pop(asyncio.get_running_loop(), None)
    if client is not None and not client.is_closed:
        await client.aclose()


def shared_client() -> httpx.AsyncClient:
    """Return the process's shared client for the running event loop, creating it once.

    Returns:
        One ``httpx.AsyncClient`` per event loop, so connections are pooled across providers.
    """
    loop = asyncio.get_running_loop()
    client = _clients.get(loop)
    if client is None or client.is_closed:
        client = make_client()
        _clients[loop] = client
    return client


@asynccontextmanager
async def open_stream(
    client: httpx.AsyncClient,
    url: str,
    *,
    provider: str,
    payload: dict[str, object],
    headers: dict[str, str],
    model: str | None = None,
    secrets: Iterable[str | None] = (),
) -> AsyncIterator[httpx.Response]:
    """POST ``payload`` and yield the streaming response once its status is known to be good.

    Args:
        client: the HTTP client.
        url: the endpoint.
        provider: the provider's name, for errors.
        payload: the JSON body.
        headers: request headers (auth included).
        model: the requested model, for not-found messages.
        secrets: strings that must never appear in error messages.

    Yields:
        The open response, ready to iterate.

    Raises:
        ProviderError: an HTTP error status, or a network failure at any point of the stream.
    """
    secrets = tuple(secrets)
    try:
        async with client.stream("POST", url, json=payload, headers=headers) as response:
            await raise_for_status(response, provider, model=model, secrets=secrets)
            yield response
    except httpx.TransportError as exc:
        raise connection_error(provider, exc, secrets=secrets) from None


async def get_json(
    client: httpx.AsyncClient,
    url: str,
    *,
    provider: str,
    headers: dict[str, str],
    params: dict[str, str] | None = None,
    secrets: Iterable[str | None] = (),
) -> object:
    """GET ``url`` and decode its JSON body, mapping failures like :func:`open_stream`.

    Args:
        client: the HTTP client.
        url: the endpoint.
        provider: the provider's name, for errors.
        headers: request headers (auth included).
        params: query parameters.
        secrets: strings that must never appear in error messages.

    Returns:
        The decoded body.

    Raises:
        ProviderError: an HTTP error status, a network failure, or a body that is not JSON.
    """
    secrets = tuple(secrets)
    try:
        response = await client.get(url, headers=headers, params=params)
    except httpx.TransportError as exc:
        raise connection_error(provider, exc, secrets=secrets) from None
    await raise_for_status(response, provider, secrets=secrets)
    try:
        return response.json()
    except ValueError:
        raise ProviderError(
            f"{provider}: the server's answer is not JSON", kind="server", provider=provider
        ) from None
