"""Server-Sent Events framing: every event as ``id: <seq>`` + ``data: <json>``, resumable."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from litestar import Request
from litestar.response import Stream

from aura_core.engine import Engine, TaskHandle
from aura_core.errors import UsageError

__all__ = [
    "SSE_HEADERS", "SSE_RESPONSES", "global_stream", "keep_alive", "keepalive_seconds",
    "last_event_id", "sse", "task_stream",
]

SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
#: OpenAPI description of a streaming response, so clients and schemathesis know its type.
SSE_RESPONSES: dict[str, str] = {"media_type": "text/event-stream"}


def frame(event_id: int, data: str) -> bytes:
    """One SSE message with an id (the JSON payload never contains a raw newline)."""
    return f"id: {event_id}\ndata: {data}\n\n".encode()


def last_event_id(request: Request, default: int) -> int:
    """Where a client wants to resume: the ``Last-Event-ID`` header, else ``?after=``.

    Raises:
        UsageError: the value is not an integer.
    """
    raw = request.headers.get("last-event-id") or request.query_params.get("after")
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise UsageError(f"Last-Event-ID must be an integer, got {raw[:40]!r}") from None


async def task_stream(handle: TaskHandle, after_seq: int | None = None) -> AsyncIterator[bytes]:
    """A task's events as SSE frames, ending after ``done``; ids are the task's ``seq``."""
    async for event in handle.events(after_seq):
        yield frame(event.seq, event.to_json())


async def global_stream(engine: Engine, after_id: int) -> AsyncIterator[bytes]:
    """Every task's events, forever; ids are global positions."""
    yield b": connected\n\n"
    async for position, event in engine.events(after_id):
        yield frame(position, event.to_json())


PING = b": ping\n\n"


async def keep_alive(frames: AsyncIterator[bytes], every: float) -> AsyncIterator[bytes]:
    """Pass ``frames`` through, adding a ``: ping`` comment after each ``every`` idle seconds.

    Proxies and load balancers close connections that stay silent (often after 60 s); a
    comment line is invisible to SSE clients. ``every <= 0`` adds nothing. One task relays
    the frames into a buffer, so a timer is set only while the stream is idle, not per frame.
    """
    if every <= 0:
        async for chunk in frames:
            yield chunk
        return
    buffer: asyncio.Queue[bytes | BaseException | None] = asyncio.Queue()

    async def relay() -> None:
        try:
            async for chunk in frames:
                buffer.put_nowait(chunk)
        except Exception as exc:  # noqa: BLE001 - handed to the reader, raised there
            buffer.put_nowait(exc)
            return
        buffer.put_nowait(None)

    relaying = asyncio.ensure_future(relay())
    try:
        while True:
            try:
                item = buffer.get_nowait()
            except asyncio.QueueEmpty:
                try:
                    async with asyncio.timeout(every):  # a timer, no task, only while idle
                        item = await buffer.get()
                except TimeoutError:
                    yield PING
                    continue
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        relaying.cancel()
        with contextlib.suppress(BaseException):
            await relaying


def keepalive_seconds(engine: Engine) -> float:
    """The ``web.sse_keepalive`` setting (0 when it is not a number)."""
    try:
        return float(engine.config.get("web.sse_keepalive") or 0)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0


def sse(content: AsyncIterator[bytes], task_id: str | None = None, *, keepalive: float = 0.0
        ) -> Stream:
    """Wrap frames in a streaming response (a closed connection leaves the task running).

    Args:
        content: the SSE frames.
        task_id: sent as ``X-Aura-Task-Id``.
        keepalive: idle seconds between ``: ping`` comments (0: none).
    """
    headers = dict(SSE_HEADERS)
    if task_id:
        headers["X-Aura-Task-Id"] = task_id
    return Stream(keep_alive(content, keepalive), media_type="text/event-stream",
                  headers=headers)
