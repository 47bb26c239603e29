"""``/api/usage``: token and cost totals."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.params import FromPath, QueryParameter

from aura_cli.server.deps import EngineDep
from aura_cli.server.errors import ERRORS
from aura_core.errors import NotFoundError

__all__ = ["UsageController"]


class UsageController(Controller):
    """Usage summaries."""

    path = "/api/usage"
    tags = ["usage"]

    @get("/summary", responses=ERRORS, summary="Today, month, by provider/model, and daily usage")
    async def summary(
        self, engine: EngineDep,
        days: Annotated[int, QueryParameter(ge=1, le=366, description="Days in the daily series.")] = 14,
    ) -> dict[str, object]:
        """Tokens and cost totals, the same document as ``aura usage --json``."""
        return engine.usage_summary(days)

    @get("/tasks/{task_id:str}", responses=ERRORS, summary="Token and cost totals of one task")
    async def task_usage(self, engine: EngineDep, task_id: FromPath[str]) -> dict[str, object]:
        """Input/output tokens, cost and number of model calls of a task."""
        record = engine.store.tasks.get(task_id)
        if record is None:
            raise NotFoundError(f"task not found: {task_id}")
        return {"task_id": record.id, **engine.store.usage.task_totals(record.id)}
