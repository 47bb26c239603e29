"""The event bus: numbers, persists and fans out every event of every task.

Task subscribers get each event at once. Events are committed with the next transcript
write, or within ``flush_after`` seconds, or at ``done``; global subscribers get them with
their database position when they are committed.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict

from aura_core.events import Event, EventType, JSONValue
from aura_core.store.tasks import TaskStore

__all__ = ["EventBus"]


class EventBus:
    """Assigns each task's ``seq``, stores the event, then hands it to live subscribers."""

    def __init__(self, store: TaskStore, flush_after: float = 0.05) -> None:
        self._store = store
        self._seq: dict[str, int] = {}
        self._task_subs: dict[str, set[asyncio.Queue[Event]]] = defaultdict(set)
        self._global_subs: set[asyncio.Queue[tuple[int, Event]]] = set()
        #: Seconds an event may wait for a transcript write before it is committed on its own.
        self.flush_after = flush_after
        self._timer: asyncio.TimerHandle | None = None
        store.on_flush = self._published

    def _published(self, written: list[tuple[int, Event]]) -> None:
        for position, event in written:
            for gq in list(self._global_subs):
                gq.put_nowait((position, event))

    def flush(self) -> None:
        """Commit buffered events now (they are also committed with every message)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._store.flush_events()

    async def emit(
        self, task_id: str, type_: EventType, data: dict[str, JSONValue], *,
        parent_id: str | None = None, agent: str | None = None,
    ) -> Event:
        """Create, persist and publish one event."""
        seq = self._seq.get(task_id)
        if seq is None:
            seq = self._store.last_seq(task_id)
        seq += 1
        self._seq[task_id] = seq
        event = Event(type=type_, task_id=task_id, seq=seq, data=data, parent_id=parent_id,
                      agent=agent)
        self._store.add_event(event)
        for q in list(self._task_subs.get(task_id, ())):
            q.put_nowait(event)
        if type_ == "done":
            self.flush()
        elif self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(self.flush_after, self.flush)
        return event

    def subscribe(self, task_id: str) -> asyncio.Queue[Event]:
        """A queue receiving the task's future events."""
        q: asyncio.Queue[Event] = asyncio.Queue()
        self._task_subs[task_id].add(q)
        return q

    def unsubscribe(self, task_id: str, q: asyncio.Queue[Event]) -> None:
        """Stop delivering to ``q``."""
        self._task_subs.get(task_id, set()).discard(q)

    def subscribe_all(self) -> asyncio.Queue[tuple[int, Event]]:
        """A queue receiving every future event with its global position."""
        q: asyncio.Queue[tuple[int, Event]] = asyncio.Queue()
        self._global_subs.add(q)
        return q

    def unsubscribe_all(self, q: asyncio.Queue[tuple[int, Event]]) -> None:
        """Stop delivering to a global queue."""
        self._global_subs.discard(q)
