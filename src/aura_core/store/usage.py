"""Per-call token usage, cost and latency records, and their summaries."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass

from sqlite_utils import Database

from aura_core.store.tasks import TaskStore

__all__ = ["UsageRecord", "UsageStore"]

#: Columns a ``usage`` event carries, and whether a missing value counts as zero.
_EVENT_FIELDS = {"provider": False, "model": False, "input_tokens": True, "output_tokens": True,
                 "cache_read_tokens": True, "cache_write_tokens": True, "cost": True,
                 "latency_ms": True, "ttft_ms": False}
_RESTORE_SQL = (
    f"INSERT INTO usage (task_id, {', '.join(_EVENT_FIELDS)}, created_at, event_seq) "
    "SELECT :task, "
    + ", ".join(f"COALESCE(json_extract(payload, '$.{k}'), 0)" if zero
                else f"json_extract(payload, '$.{k}')" for k, zero in _EVENT_FIELDS.items())
    + ", ts, seq FROM task_events "
    "WHERE task_num = (SELECT num FROM task_keys WHERE task_id = :task) AND type = 'usage' "
    "AND seq > COALESCE((SELECT MAX(event_seq) FROM usage WHERE task_id = :task), -1) "
    "AND NOT EXISTS (SELECT 1 FROM usage WHERE task_id = :task AND event_seq IS NULL) "
    "ORDER BY seq"
)


@dataclass(slots=True)
class UsageRecord:
    """One model call."""

    task_id: str | None
    provider: str
    model: str
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    cost: float = 0.0
    latency_ms: float = 0.0
    ttft_ms: float | None = None
    created_at: float = 0.0
    #: The task's ``usage`` event this row copies (None for calls outside a task).
    event_seq: int | None = None


class UsageStore:
    """Records model calls and answers totals."""

    def __init__(self, db: Database, tasks: TaskStore | None = None) -> None:
        self.db = db
        self._tasks = tasks

    def record(self, rec: UsageRecord, *, batched: bool = False) -> None:
        """Insert one call's usage.

        Args:
            rec: the call.
            batched: commit it with the next batch (the event bus's timer, a task's ``done``,
                or any reader of usage totals) instead of in a transaction of its own. A task's
                rows name their ``usage`` event, so :meth:`restore` rebuilds any a crash lost.
        """
        rec.created_at = rec.created_at or time.time()
        if batched and self._tasks is not None:
            self._tasks.add_row_later("usage", asdict(rec))
            return
        with self.db.conn:
            self.db["usage"].insert(asdict(rec))

    def restore(self, task_id: str) -> int:
        """Rebuild the usage rows of a task whose process died before its batch was committed.

        Every ``usage`` event after the task's last stored row becomes a row again. Tasks with
        rows from before rows named their event are left alone. Returns the rows added.
        """
        with self.db.conn:
            cur = self.db.conn.execute(_RESTORE_SQL, {"task": task_id})
        return cur.rowcount

    def _flush(self) -> None:
        if self._tasks is not None:
            self._tasks.flush_events()

    def task_cost(self, task_id: str) -> float:
        """Total recorded cost of a task."""
        self._flush()
        row = self.db.execute(
            "SELECT COALESCE(SUM(cost), 0) FROM usage WHERE task_id = ?", [task_id]
        ).fetchone()
        return float(row[0])

    def task_totals(self, task_id: str) -> dict[str, float]:
        """Token and cost totals of one task."""
        self._flush()
        row = self.db.execute(
            "SELECT COALESCE(SUM(input_tokens),0), COALESCE(SUM(output_tokens),0), "
            "COALESCE(SUM(cost),0), COUNT(*) FROM usage WHERE task_id = ?",
            [task_id],
        ).fetchone()
        return {"input_tokens": row[0], "output_tokens": row[1], "cost": row[2], "calls": row[3]}
