"""The task record: what every front-end knows about a task (no storage code here)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Literal

__all__ = ["TASK_STATUSES", "TaskRecord", "TaskStatus"]

TaskStatus = Literal["pending", "executing", "completed", "failed", "interrupted"]
TASK_STATUSES: tuple[TaskStatus, ...] = (
    "pending", "executing", "completed", "failed", "interrupted",
)


@dataclass(slots=True)
class TaskRecord:
    """One row of the ``tasks`` table."""

    id: str
    title: str
    status: TaskStatus
    mode: str
    model: str
    project_path: str
    role: str | None = None
    parent_id: str | None = None
    agent: str | None = None
    max_steps: int = 25
    budget: float | None = None
    reason: str | None = None
    error: str | None = None
    pid: int | None = None
    created_at: float = 0.0
    updated_at: float = 0.0
    finished_at: float | None = None
    tools: str | None = None  # JSON list of tool names the task may use; None = all

    def tool_names(self) -> list[str] | None:
        """The task's tool selection, or None for every available tool."""
        return json.loads(self.tools) if self.tools else None

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form (the stored row)."""
        return asdict(self)

    def to_view(self) -> dict[str, object]:
        """What the API and ``--json`` show: no owning process id, ``tools`` as a list."""
        out = asdict(self)
        out.pop("pid")
        out["tools"] = self.tool_names()
        return out

    @classmethod
    def from_view(cls, view: dict[str, object]) -> TaskRecord:
        """Rebuild a record from :meth:`to_view`'s form (e.g. a server's JSON)."""
        fields = {k: v for k, v in view.items() if k in cls.__dataclass_fields__}
        if isinstance(fields.get("tools"), list):
            fields["tools"] = json.dumps(fields["tools"])
        return cls(**fields)  # type: ignore[arg-type]
