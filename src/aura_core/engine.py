"""The composition root: settings, store, providers and tools behind a small task API."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from aura_core.agent.loop import RunOutcome
from aura_core.agent.prepare import context_window
from aura_core.approval import PendingApprovals
from aura_core.bus import EventBus
from aura_core.config import Config, load_config
from aura_core.errors import NotFoundError, UsageError
from aura_core.events import Event
from aura_core.handle import TaskHandle
from aura_core.messages import Message
from aura_core.providers.base import Provider
from aura_core.providers.resolve import DEFAULT_MODEL, resolve_provider
from aura_core.store import Store, open_store
from aura_core.store.tasks import TaskRecord
from aura_core.tasks import attachment_block, new_task_id, task_title
from aura_core.tools.registry import ToolRegistry

if TYPE_CHECKING:
    from aura_core.mcp.manager import McpManager

__all__ = ["Engine", "TaskHandle"]

Mode = Literal["agent", "chat", "plan"]


class Engine:
    """In-process implementation of Aura's task API.

    Args:
        store: the database; opened from the default path when None.
        config: the settings; loaded from ``~/.aura/config.json`` when None.
        tools: the tool registry for agent tasks; the built-in tools when None.
    """

    def __init__(
        self, store: Store | None = None, config: Config | None = None,
        tools: ToolRegistry | None = None,
    ) -> None:
        self.config = config or load_config()
        self.store = store or open_store(
            synchronous=str(self.config.get("storage.synchronous") or "NORMAL").upper())  # type: ignore[arg-type]
        self.bus = EventBus(self.store.tasks)
        self._tools = tools
        self._providers: dict[str, Provider] = {}
        self._mcp: McpManager | None = None
        #: Tool calls waiting for a human; answered through :meth:`approve`.
        self.approvals = PendingApprovals()
        #: Tools that need approval; None = the ``tools.require_approval`` setting.
        self.require_approval: frozenset[str] | None = None
        from aura_core.providers.health import HealthRegistry

        #: Circuit breakers per provider, shared by every task of this engine.
        self.health = HealthRegistry(rows=self.store.providers)
        self._running: dict[str, asyncio.Task[RunOutcome]] = {}
        self.store.recover_orphans()

    # -- wiring ------------------------------------------------------------------------
    def register_provider(self, provider: Provider) -> None:
        """Make a provider instance available under its ``name`` (tests, plugins)."""
        self._providers[provider.name] = provider

    @property
    def tools(self) -> ToolRegistry:
        """The tools a new agent task gets, as they are now.

        The built-in tools plus the cached tools of every enabled MCP server, read afresh, so
        a server added, connected or disabled while Aura runs (here or by another ``aura``
        process) counts from the next task on. A registry given to the constructor is used
        as it is.
        """
        if self._tools is not None:
            return self._tools
        from aura_core.tools.builtin import builtin_tools

        registry = ToolRegistry(builtin_tools())
        for mcp_tool in self.mcp.tools():
            registry.add(mcp_tool)
        return registry

    @property
    def mcp(self) -> McpManager:
        """The MCP connection manager (created on first use; connects lazily)."""
        if self._mcp is None:
            from aura_core.mcp.manager import McpManager

            self._mcp = McpManager(self.store.mcp)
        return self._mcp

    def default_model(self) -> str:
        """The configured model id, or the embedded local model."""
        return str(self.config.get("model") or DEFAULT_MODEL)

    def resolve(self, model_id: str) -> tuple[Provider, str]:
        """Provider instance and model name for a model id."""
        return resolve_provider(model_id, self.config, self._providers, store=self.store)

    # -- task API ----------------------------------------------------------------------
    async def start_task(
        self,
        message: str,
        *,
        model: str | None = None,
        project: str | Path | None = None,
        role: str | None = None,
        mode: Mode = "agent",
        attachments: Sequence[Path] = (),
        budget: float | None = None,
        max_steps: int | None = None,
        parent_id: str | None = None,
        tools: Sequence[str] | None = None,
    ) -> TaskHandle:
        """Create a task and start running it in the background.

        Raises:
            UsageError: empty message, a project directory that does not exist, or an
                unknown tool name in ``tools``.
            NotFoundError: unknown model or provider.
        """
        if not message.strip():
            raise UsageError("the message is empty")
        try:
            root = Path(project or Path.cwd()).expanduser().resolve()
        except (RuntimeError, OSError, ValueError) as exc:
            raise UsageError(f"invalid project directory {project!r}: {exc}") from exc
        if not root.is_dir():
            raise UsageError(f"project directory not found: {project}")
        model_id = model or self.default_model()
        self.resolve(model_id)  # fail before anything is stored
        if tools is not None:
            available = self.tools.names()
            unknown = sorted(set(tools) - set(available))
            if unknown:
                raise UsageError(f"unknown tool(s): {', '.join(unknown)} "
                                 f"(available: {', '.join(available)})")
        content = message
        for path in attachments:
            content += "\n\n" + attachment_block(path)
        record = TaskRecord(
            id=new_task_id(), title=task_title(message), status="pending", mode=mode,
            model=model_id, project_path=str(root), role=role, parent_id=parent_id,
            max_steps=int(max_steps or self.config.get("max_steps") or 25), budget=budget,
            tools=json.dumps(list(tools)) if tools is not None else None,
        )
        self.store.tasks.create(record)
        self.store.tasks.add_message(record.id, Message(role="user", content=content))
        return self._launch(record)

    async def send_message(self, task_id: str, message: str) -> TaskHandle:
        """Add a follow-up message to a finished task and run it again.

        Raises:
            NotFoundError: no such task.
            UsageError: the task is still running.
        """
        record = self._get(task_id)
        if record.id in self._running:
            raise UsageError(f"task {record.id[:8]} is still running")
        self.store.tasks.add_message(record.id, Message(role="user", content=message))
        return self._launch(record)

    async def resume(self, task_id: str) -> TaskHandle:
        """Continue an interrupted or failed task from its stored transcript.

        Raises:
            NotFoundError: no such task.
            UsageError: the task is running or already completed.
        """
        self.store.recover_orphans()
        record = self._get(task_id)
        if record.id in self._running or record.status == "executing":
            raise UsageError(f"task {record.id[:8]} is still running")
        if record.status == "completed":
            raise UsageError(f"task {record.id[:8]} is already completed")
        return self._launch(record)

    async def auto_resume(self) -> list[TaskHandle]:
        """Resume tasks whose process died (not those a user stopped on purpose).

        Called at start by ``aura serve`` when the ``auto_resume`` setting is on.
        """
        self.store.recover_orphans()
        handles = []
        for record in self.store.tasks.list(status="interrupted", limit=1000, top_level=False):
            if record.reason == "process_died" and record.id not in self._running:
                handles.append(self._launch(record))
        return handles

    async def compact(self, task_id: str) -> dict[str, object] | None:
        """Compact a task's history now (the ``/compact`` command), whatever its size.

        Returns:
            What the compaction did, or None when there was nothing old enough to drop.

        Raises:
            NotFoundError: no such task.
            UsageError: the task is running.
        """
        from aura_core.agent import compaction

        self.store.recover_orphans()  # a dead owner's "executing" task is interrupted, not running
        record = self._get(task_id)
        if record.id in self._running or record.status == "executing":
            # only the loop running a task compacts it (it keeps the state in memory)
            raise UsageError(f"task {record.id[:8]} is running; compact it when it stops")
        provider, model_name = self.resolve(record.model)
        history = self.store.tasks.messages(record.id)
        window = context_window(provider.name, self.config)
        result = await compaction.compact(
            task_id=record.id, history=history, memory=self.store.memory, provider=provider,
            model=model_name, window=min(window, compaction.estimate_tokens(history)),
            truncate_only=compaction.truncate_only(self.store.memory, record.id),
            project=record.project_path,
        )
        if result is None:
            return None
        await self.bus.emit(record.id, "status", {
            "status": record.status, "message": f"compacted {result.dropped} older messages "
            f"({result.method}) on request",
            "compaction": {"method": result.method, "dropped": result.dropped,
                           "upto_idx": result.upto_idx, "tokens_before": result.tokens_before,
                           "tokens_after": result.tokens_after, "window": window},
        })
        self.bus.flush()
        return {"method": result.method, "dropped": result.dropped,
                "tokens_before": result.tokens_before, "tokens_after": result.tokens_after}

    def usage_summary(self, days: int = 14) -> dict[str, object]:
        """Tokens and cost: today, this month, all time, by provider and model, and daily."""
        from aura_core.store.usage_report import usage_summary

        self.store.tasks.flush_events()  # usage rows are written in batches
        return usage_summary(self.store.db, days)

    def approve(self, approval_id: str, decision: str) -> None:
        """Answer a pending tool approval: ``once``, ``always`` (this tool, this task) or ``deny``.

        Raises:
            NotFoundError: no such pending approval.
            UsageError: an unknown decision.
        """
        self.approvals.answer(approval_id, decision)

    def approval_tools(self) -> frozenset[str]:
        """Tools that wait for a human decision before they run."""
        if self.require_approval is not None:
            return self.require_approval
        return frozenset(str(t) for t in (self.config.get("tools.require_approval") or []))  # type: ignore[union-attr]

    async def cancel(self, task_id: str) -> bool:
        """Cancel a running task (it becomes ``interrupted``); False if it was not running."""
        runner = self._running.get(task_id)
        if runner is None:
            return False
        runner.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await runner
        return True

    def handle(self, task_id: str) -> TaskHandle:
        """A handle on an existing task (running or not), for replaying its events."""
        record = self._get(task_id)
        return TaskHandle(record.id, self, self._running.get(record.id))

    async def events(self, after_id: int = 0) -> AsyncIterator[tuple[int, Event]]:
        """The global stream: stored events after ``after_id``, then live ones, forever."""
        queue = self.bus.subscribe_all()
        try:
            last = after_id
            while True:
                batch = self.store.tasks.global_events(last)
                if not batch:
                    break
                for position, event in batch:
                    last = position
                    yield position, event
            while True:
                position, event = await queue.get()
                if position <= last:
                    continue
                last = position
                yield position, event
        finally:
            self.bus.unsubscribe_all(queue)

    async def shutdown(self) -> None:
        """Interrupt running tasks and close the store."""
        for task_id in list(self._running):
            await self.cancel(task_id)
        if self._mcp is not None:
            await self._mcp.shutdown()
        from aura_core.providers.http import close_shared_client

        await close_shared_client()
        self.store.close()

    # -- internals ---------------------------------------------------------------------
    def _get(self, task_id: str) -> TaskRecord:
        record = self.store.tasks.get(task_id)
        if record is None:
            raise NotFoundError(f"task not found: {task_id}")
        return record

    def _launch(self, record: TaskRecord) -> TaskHandle:
        handle = TaskHandle(record.id, self, start_seq=self.store.tasks.last_seq(record.id))
        handle._queue = self.bus.subscribe(record.id)
        runner = asyncio.create_task(self._run(record), name=f"aura-task-{record.id[:8]}")
        handle.runner = runner
        self._running[record.id] = runner
        runner.add_done_callback(lambda _t: self._running.pop(record.id, None))
        return handle

    async def _run(self, record: TaskRecord) -> RunOutcome:
        from aura_core.agent.task_run import run_task

        return await run_task(self, record)

    async def release_mcp(self, task_id: str) -> None:
        """Close the task's own MCP sessions (servers with per_task isolation)."""
        if self._mcp is not None:
            await asyncio.shield(self._mcp.release_task(task_id))
