"""A task as the front-ends hold it: its id, its event stream (replayed, then live), its outcome."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from aura_core.agent.loop import RunOutcome
from aura_core.events import Event

if TYPE_CHECKING:
    from aura_core.engine import Engine

__all__ = ["TERMINAL", "TaskHandle"]

#: Statuses a task does not leave by itself.
TERMINAL = ("completed", "failed", "interrupted")


@dataclass(slots=True)
class TaskHandle:
    """A running (or finished) task: its id, its event stream and its outcome."""

    task_id: str
    engine: Engine
    runner: asyncio.Task[RunOutcome] | None = None
    start_seq: int = -1
    _queue: asyncio.Queue[Event] | None = field(default=None, repr=False)

    async def events(self, after_seq: int | None = None) -> AsyncIterator[Event]:
        """Stored events after ``after_seq``, then live ones, ending with ``done``.

        Args:
            after_seq: replay from here; by default from where this run started (all events
                for a new task, only the new ones for a resumed task).
        """
        if after_seq is None:
            after_seq = self.start_seq
        bus = self.engine.bus
        queue = self._queue or bus.subscribe(self.task_id)
        self._queue = None
        try:
            last = after_seq
            while True:  # stored events, re-read until caught up (a slow reader falls behind)
                batch = self.engine.store.tasks.events(self.task_id, last)
                for event in batch:
                    last = event.seq
                    yield event
                    if event.type == "done":
                        return
                if not batch:
                    break
            record = self.engine.store.tasks.get(self.task_id)
            if record and record.status in TERMINAL and (
                    self.runner is None or self.runner.done()):
                return
            while True:
                event = await queue.get()
                if event.seq <= last:
                    continue
                last = event.seq
                yield event
                if event.type == "done":
                    return
        finally:
            bus.unsubscribe(self.task_id, queue)

    async def wait(self) -> RunOutcome:
        """Wait for the run to end and return how it ended."""
        if self.runner is None:
            record = self.engine.store.tasks.get(self.task_id)
            status = record.status if record else "failed"
            return RunOutcome(status if status in TERMINAL else "failed")  # type: ignore[arg-type]
        return await self.runner
