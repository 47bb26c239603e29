"""``/api/tasks``: list, create, read, delete tasks; their messages and event streams."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, delete, get, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.response import Stream

from aura_cli.server.deps import EngineDep
from aura_cli.server.dto import MessageIn, TaskIn
from aura_cli.server.errors import ERRORS
from aura_cli.server.routes.views import message_view, task_view
from aura_cli.server.sse import keepalive_seconds, last_event_id, sse, task_stream
from aura_core.engine import Engine
from aura_core.errors import NotFoundError
from aura_core.store.tasks import TaskRecord, TaskStatus

__all__ = ["TaskController"]

Limit = Annotated[int, QueryParameter(ge=1, le=500, description="Page size.")]
Offset = Annotated[int, QueryParameter(ge=0, le=1_000_000, description="Items to skip.")]


def _record(engine: Engine, task_id: str) -> TaskRecord:
    record = engine.store.tasks.get(task_id)
    if record is None:
        raise NotFoundError(f"task not found: {task_id}")
    return record


class TaskController(Controller):
    """Tasks and their transcripts."""

    path = "/api/tasks"
    tags = ["tasks"]

    @get("/", responses=ERRORS, summary="List tasks, newest first")
    async def list_tasks(
        self,
        engine: EngineDep,
        limit: Limit = 50,
        offset: Offset = 0,
        status: FromQuery[TaskStatus | None] = None,
    ) -> dict[str, object]:
        """Top-level tasks with ``limit``/``offset`` pagination and an optional status filter."""
        records = engine.store.tasks.list(status=status, limit=limit, offset=offset)
        return {"tasks": [task_view(r) for r in records], "limit": limit, "offset": offset}

    @post("/", responses=ERRORS, summary="Create a task and start it in the background")
    async def create(self, engine: EngineDep, data: JSONBody[TaskIn]) -> dict[str, object]:
        """Create and start a task; follow it on ``GET /api/tasks/{id}/events``."""
        handle = await engine.start_task(
            data.message,
            model=data.model,
            project=data.project_path,
            role=data.role,
            mode=data.mode,
            max_steps=data.max_steps,
            budget=data.budget,
            tools=data.tools,
        )
        return task_view(_record(engine, handle.task_id))

    @get("/interrupted", responses=ERRORS, summary="Interrupted tasks that can be resumed")
    async def interrupted(
        self, engine: EngineDep, limit: Limit = 50, offset: Offset = 0
    ) -> dict[str, object]:
        """Tasks stopped by a cancel or a crash."""
        records = engine.store.tasks.list(status="interrupted", limit=limit, offset=offset)
        return {"tasks": [task_view(r) for r in records], "limit": limit, "offset": offset}

    @get("/{task_id:str}", responses=ERRORS, summary="One task")
    async def get_task(self, engine: EngineDep, task_id: FromPath[str]) -> dict[str, object]:
        """A task by id (or unique id prefix)."""
        return task_view(_record(engine, task_id))

    @post("/{task_id:str}/compact", responses=ERRORS, status_code=200,
          summary="Compact a stopped task's older history now")
    async def compact(self, engine: EngineDep, task_id: FromPath[str]) -> dict[str, object]:
        """Summarise older messages (what the model sees next); ``compacted`` is null when
        the history is already short."""
        record = _record(engine, task_id)
        return {"task_id": record.id, "compacted": await engine.compact(record.id)}

    @delete(
        "/{task_id:str}",
        responses=ERRORS,
        status_code=200,
        summary="Delete a task with its messages",
    )
    async def delete_task(self, engine: EngineDep, task_id: FromPath[str]) -> dict[str, object]:
        """Stop the task if it runs, then delete it, its transcript, events and sub-tasks."""
        record = _record(engine, task_id)
        await engine.cancel(record.id)
        engine.store.tasks.delete(record.id)
        return {"deleted": record.id}

    @get("/{task_id:str}/messages", responses=ERRORS, summary="A task's transcript")
    async def messages(self, engine: EngineDep, task_id: FromPath[str]) -> dict[str, object]:
        """Every message of the task in order."""
        record = _record(engine, task_id)
        msgs = engine.store.tasks.messages(record.id)
        return {"messages": [message_view(i, m) for i, m in enumerate(msgs)]}

    @post(
        "/{task_id:str}/messages",
        responses=ERRORS,
        status_code=202,
        summary="Send a follow-up message",
    )
    async def follow_up(
        self, engine: EngineDep, task_id: FromPath[str], data: JSONBody[MessageIn]
    ) -> dict[str, object]:
        """Add a message to a finished task and run it again in the background."""
        handle = await engine.send_message(_record(engine, task_id).id, data.message)
        return task_view(_record(engine, handle.task_id))

    @get(
        "/{task_id:str}/events",
        responses=ERRORS,
        summary="Replay and follow a task's events (SSE)",
        media_type="text/event-stream",
    )
    async def events(self, engine: EngineDep, task_id: FromPath[str], request: Request) -> Stream:
        """Stored events after ``Last-Event-ID`` (default: all), then live ones until ``done``."""
        handle = engine.handle(task_id)
        return sse(task_stream(handle, last_event_id(request, -1)), handle.task_id,
                   keepalive=keepalive_seconds(engine))
