"""``GET /api/events``: the global stream of every task's events, resumable by position."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.response import Stream

from aura_cli.server.deps import EngineDep
from aura_cli.server.errors import ERRORS
from aura_cli.server.sse import global_stream, keepalive_seconds, last_event_id, sse

__all__ = ["EventsController"]


class EventsController(Controller):
    """The global event stream."""

    tags = ["events"]

    @get(
        "/api/events",
        responses=ERRORS,
        summary="Every event of every task (SSE)",
        media_type="text/event-stream",
    )
    async def events(self, engine: EngineDep, request: Request) -> Stream:
        """Events after ``Last-Event-ID`` (a global position; default 0 = from the start), then
        live ones. Ids are global positions, so a reconnect loses and repeats nothing."""
        return sse(global_stream(engine, max(last_event_id(request, 0), 0)),
                   keepalive=keepalive_seconds(engine))
