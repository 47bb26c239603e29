"""Per-call token usage, cost and latency records, and their summaries."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass

from sqlite_utils import Database

from aura_core.store.tasks import TaskStore

__all__ = ["UsageRecord", "UsageStore"]


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


class UsageStore:
    """Records model calls and answers totals."""

    def __init__(self, db: Database, tasks: TaskStore | None = None) -> None:
        self.db = db
        self._tasks = tasks

    def record(self, rec: UsageRecord, *, with_transcript: bool = False) -> None:
        """Insert one call's usage.

        Args:
            rec: the call.
            with_transcript: commit it together with the task's next transcript write
                (one disk write instead of two); otherwise commit now.
        """
        rec.created_at = rec.created_at or time.time()
        if with_transcript and self._tasks is not None:
            self._tasks.add_row_later("usage", asdict(rec))
            return
        with self.db.conn:
            self.db["usage"].insert(asdict(rec))

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
