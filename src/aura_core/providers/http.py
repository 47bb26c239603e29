"""The shared HTTP layer of the cloud adapters: one client, SSE reading and error mapping."""

from __future__ import annotations

import asyncio
import email.utils
import json
import re
import time
import uuid
import weakref
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx

from aura_core.errors import ProviderError, ProviderErrorKind

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

_CONTEXT_WORDS = re.compile(
    r"context[ _-]?length|context window|maximum context|too many tokens|prompt is too long"
    r"|input is too long|exceeds? the (?:maximum|max)|input token count|reduce the length"
    r"|maximum number of tokens",
    re.IGNORECASE,
)
_AUTH_WORDS = re.compile(r"api[ _-]?key not valid|invalid api[ _-]?key|API_KEY_INVALID", re.I)
_TYPE_KINDS: dict[str, ProviderErrorKind] = {
    "overloaded_error": "overloaded",
    "rate_limit_error": "rate_limit",
    "rate_limit_exceeded": "rate_limit",
    "resource_exhausted": "rate_limit",
    "authentication_error": "auth",
    "permission_error": "auth",
    "unauthenticated": "auth",
    "permission_denied": "auth",
    "not_found_error": "not_found",
    "model_not_found": "not_found",
    "context_length_exceeded": "context_length",
    "api_error": "server",
    "internal": "server",
    "unavailable": "overloaded",
}
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


def _redact(text: str, secrets: Iterable[str | None]) -> str:
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    return text


def _one_line(text: str, limit: int = 400) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def parse_retry_after(headers: httpx.Headers, body: object = None) -> float | None:
    """Read how long the server asked us to wait.

    Args:
        headers: response headers (``retry-after`` in seconds or as an HTTP date,
            or ``retry-after-ms``).
        body: the decoded error body; Gemini puts ``retryDelay`` (e.g. ``"36s"``) in its details.

    Returns:
        Seconds to wait, or ``None`` when the server did not say.
    """
    if ms := headers.get("retry-after-ms"):
        try:
            return max(0.0, float(ms) / 1000)
        except ValueError:
            pass
    if value := headers.get("retry-after"):
        try:
            return max(0.0, float(value))
        except ValueError:
            try:
                when = email.utils.parsedate_to_datetime(value)
            except (TypeError, ValueError):
                return None
            return max(0.0, when.timestamp() - time.time())
    match = re.search(r'"retryDelay":\s*"([\d.]+)s"', json.dumps(body)) if body else None
    return float(match.group(1)) if match else None


def _vendor_message(body: object, fallback: str) -> tuple[str, str]:
    """Return (message, vendor error type) from the common error body shapes."""
    if isinstance(body, dict):
        err = body.get("error", body)
        if isinstance(err, str):
            return err, ""
        if isinstance(err, dict):
            message = err.get("message") or err.get("msg") or body.get("message") or fallback
            kind = err.get("type") or err.get("code") or err.get("status") or ""
            return str(message), str(kind).lower()
        if isinstance(body.get("detail"), str):
            return body["detail"], ""
    return fallback, ""


def error_from_body(
    provider: str,
    status: int | None,
    body: object,
    *,
    text: str = "",
    model: str | None = None,
    secrets: Iterable[str | None] = (),
    retry_after: float | None = None,
) -> ProviderError:
    """Turn a vendor's error (an HTTP status and/or an error body) into a :class:`ProviderError`.

    Args:
        provider: the provider's name, the message's prefix.
        status: the HTTP status, or ``None`` for an error event inside a stream.
        body: the decoded JSON body, if any.
        text: the raw body text, used when it is not JSON.
        model: the requested model, named in not-found messages.
        secrets: strings (the API key) that must never appear in the message.
        retry_after: seconds the server asked us to wait.

    Returns:
        The error to raise; its message is one line, ``"<provider>: <vendor's message>"``.
    """
    fallback = text.strip() or (f"HTTP {status}" if status else "stream error")
    message, vendor_type = _vendor_message(body, fallback)
    kind: ProviderErrorKind
    if status in (401, 403) or (status == 400 and _AUTH_WORDS.search(f"{message} {text}")):
        kind = "auth"
    elif status == 404:
        kind = "not_found"
    elif status == 429:
        kind = "rate_limit"
    elif (
        status == 413
        or vendor_type == "context_length_exceeded"
        or (status in (None, 400, 422) and _CONTEXT_WORDS.search(message))
    ):
        kind = "context_length"
    elif status == 503 or status == 529 or vendor_type == "overloaded_error":
        kind = "overloaded"
    elif status in (400, 409, 422):
        kind = "bad_request"
    elif status is not None and status >= 500:
        kind = "server"
    else:
        kind = _TYPE_KINDS.get(vendor_type, "server" if status is None else "bad_request")
    if kind == "not_found" and model and model not in message:
        message = f"model '{model}' not found ({message})"
    line = _one_line(_redact(f"{provider}: {message}", secrets))
    return ProviderError(line, kind=kind, provider=provider, status=status, retry_after=retry_after)


async def raise_for_status(
    response: httpx.Response,
    provider: str,
    *,
    model: str | None = None,
    secrets: Iterable[str | None] = (),
) -> None:
    """Raise a mapped :class:`ProviderError` when ``response`` is not a success.

    Args:
        response: the (possibly streaming) response; its body is read on error.
        provider: the provider's name.
        model: the requested model, for not-found messages.
        secrets: strings (the API key) that must never appear in the message.

    Raises:
        ProviderError: the status is 4xx/5xx; ``kind`` says which class of failure.
    """
    if response.is_success:
        return
    raw = await response.aread()
    text = raw.decode("utf-8", "replace")
    try:
        body: object = json.loads(text)
    except ValueError:
        body = None
    raise error_from_body(
        provider,
        response.status_code,
        body,
        text=text[:500],
        model=model,
        secrets=secrets,
        retry_after=parse_retry_after(response.headers, body),
    )


def connection_error(
    provider: str, exc: httpx.TransportError, *, secrets: Iterable[str | None] = ()
) -> ProviderError:
    """Map a network failure (refused, DNS, timeout, dropped stream) to a ``connection`` error.

    Args:
        provider: the provider's name.
        exc: the transport error httpx raised.
        secrets: strings that must never appear in the message.

    Returns:
        The error to raise.
    """
    try:
        where = f" {exc.request.url.scheme}://{exc.request.url.netloc.decode()}"
    except RuntimeError:
        where = ""
    # httpx-aiohttp reports a refused connection as ConnectTimeout; tell them apart by text
    refused = "Cannot connect to host" in str(exc) or "Connect call failed" in str(exc)
    what = "timed out" if isinstance(exc, httpx.TimeoutException) and not refused else "cannot connect"
    detail = str(exc) or type(exc).__name__
    line = _one_line(_redact(f"{provider}: {what} to{where}: {detail}", secrets))
    return ProviderError(line, kind="connection", provider=provider)


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


@dataclass(slots=True, frozen=True)
class SseEvent:
    """One server-sent event: its ``event:`` name (``message`` by default) and ``data:`` text."""

    event: str
    data: str


async def iter_sse(response: httpx.Response) -> AsyncIterator[SseEvent]:
    """Split a ``text/event-stream`` body into events.

    Args:
        response: an open streaming response.

    Yields:
        Each event with at least one ``data:`` line; comments and keep-alives are skipped.
    """
    event, data = "", []
    async for line in response.aiter_lines():
        if not line:
            if data:
                yield SseEvent(event or "message", "\n".join(data))
            event, data = "", []
        elif line.startswith(":"):
            continue
        else:
            field, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if field == "event":
                event = value
            elif field == "data":
                data.append(value)
    if data:
        yield SseEvent(event or "message", "\n".join(data))


def new_call_id() -> str:
    """Make a tool-call id for vendors that send none (Gemini, Ollama).

    Returns:
        A fresh id such as ``call_3f2a…``.
    """
    return f"call_{uuid.uuid4().hex[:24]}"


def decode_arguments(raw: str | dict[str, object] | None) -> dict[str, object]:
    """Decode a tool call's arguments, assembled from streamed fragments.

    Args:
        raw: the JSON text (or an already-decoded object).

    Returns:
        The arguments object; text that is not a JSON object comes back as
        ``{"_invalid_json": raw}`` so the tool's validation reports it to the model.
    """
    if isinstance(raw, dict):
        return raw
    if not raw or not raw.strip():
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        return {"_invalid_json": raw}
    return value if isinstance(value, dict) else {"_invalid_json": raw}
