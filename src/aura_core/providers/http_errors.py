"""How vendors' HTTP errors become Aura errors: status, body wording and Retry-After."""

from __future__ import annotations

import email.utils
import json
import re
import time
from collections.abc import Iterable

import httpx

from aura_core.errors import ProviderError, ProviderErrorKind

__all__ = ["connection_error", "error_from_body", "parse_retry_after", "raise_for_status"]

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
