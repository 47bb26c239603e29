"""Streaming runs: agent and chat tasks, running and resuming tasks, stopping inference."""

from __future__ import annotations

from litestar import Controller, post
from litestar.params import FromPath, JSONBody
from litestar.response import Stream

from aura_cli.server.deps import EngineDep
from aura_cli.server.dto import MessageIn, Mode, RunIn, StopIn
from aura_cli.server.errors import ERRORS
from aura_cli.server.sse import keepalive_seconds, sse, task_stream
from aura_core.engine import Engine, TaskHandle

__all__ = ["AgentController"]

_SSE = {"status_code": 200, "media_type": "text/event-stream"}


async def _start(engine: Engine, data: RunIn, mode: Mode) -> Stream:
    handle = await engine.start_task(
        data.message,
        model=data.model,
        project=data.project_path,
        role=data.role,
        mode=mode,
        max_steps=data.max_steps,
        budget=data.budget,
        tools=data.tools,
    )
    return _stream(handle)


def _stream(handle: TaskHandle) -> Stream:
    return sse(task_stream(handle), handle.task_id, keepalive=keepalive_seconds(handle.engine))


class AgentController(Controller):
    """Endpoints that start work and stream its events as SSE.

    Each response carries ``X-Aura-Task-Id``; a client that drops the connection can reconnect
    on ``GET /api/tasks/{id}/events`` with ``Last-Event-ID`` while the task runs on.
    """

    tags = ["agent"]

    @post("/api/agent/run", responses=ERRORS, summary="Run an agent task with tools (SSE)", **_SSE)
    async def agent_run(self, engine: EngineDep, data: JSONBody[RunIn]) -> Stream:
        """Start an agent task and stream its events."""
        return await _start(engine, data, "agent")

    @post("/api/chat/send", responses=ERRORS, summary="Send a chat message, no tools (SSE)", **_SSE)
    async def chat_send(self, engine: EngineDep, data: JSONBody[RunIn]) -> Stream:
        """Start a chat task (no tool access) and stream its events."""
        return await _start(engine, data, "chat")

    @post(
        "/api/tasks/{task_id:str}/run",
        responses=ERRORS,
        summary="Run an existing task (SSE)",
        **_SSE,
    )
    async def task_run(
        self, engine: EngineDep, task_id: FromPath[str], data: JSONBody[MessageIn | None] = None
    ) -> Stream:
        """With a message: send it as a follow-up. Without: resume the task."""
        if data is not None:
            return _stream(await engine.send_message(task_id, data.message))
        return _stream(await engine.resume(task_id))

    @post(
        "/api/tasks/{task_id:str}/resume",
        responses=ERRORS,
        summary="Resume an interrupted task (SSE)",
        **_SSE,
    )
    async def task_resume(self, engine: EngineDep, task_id: FromPath[str]) -> Stream:
        """Continue an interrupted or failed task from its stored transcript."""
        return _stream(await engine.resume(task_id))

    @post("/api/inference/stop", responses=ERRORS, status_code=200, summary="Stop a running task")
    async def stop(self, engine: EngineDep, data: JSONBody[StopIn]) -> dict[str, object]:
        """Cancel the task; it ends ``interrupted``. ``stopped`` is false when it was not running."""
        record = engine.store.tasks.get(data.task_id)
        stopped = await engine.cancel(record.id) if record else False
        return {"task_id": data.task_id, "stopped": stopped}
