"""Reading vendor streams: Server-Sent Events, tool-call ids and argument JSON."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx

from aura_core.errors import ProviderError

__all__ = ["SseEvent", "decode_arguments", "decode_chunk", "iter_sse", "new_call_id"]


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


def decode_chunk(provider: str, data: str) -> dict[str, object]:
    """Parse one streamed JSON chunk (an SSE ``data:`` payload or an NDJSON line).

    Raises:
        ProviderError: the chunk is not JSON (``server``: the vendor sent garbage).
    """
    try:
        value = json.loads(data)
    except ValueError:
        raise ProviderError(
            f"{provider}: the stream sent a chunk that is not JSON", kind="server",
            provider=provider,
        ) from None
    return value if isinstance(value, dict) else {}
