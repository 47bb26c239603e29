"""The task record: what every front-end knows about a task (no storage code here)."""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

from aura_core.errors import UsageError

__all__ = [
    "TASK_STATUSES", "TaskRecord", "TaskStatus", "attachment_block", "new_task_id", "task_title",
]

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


def new_task_id() -> str:
    """A random task id: 16 hex digits (64 bits).

    Every message and event row and their indexes carry it, so half of a UUID's 32 digits
    keeps each step's commit to fewer pages; ``aura task`` accepts any unique 4+ prefix.
    """
    return uuid.uuid4().hex[:16]


def task_title(message: str) -> str:
    """A task's title: the first line of its first message, at most 80 characters."""
    first = message.strip().splitlines()[0] if message.strip() else ""
    return first[:80] + ("…" if len(first) > 80 else "")


def attachment_block(path: Path) -> str:
    """A file inlined in a prompt (the same block locally and for a remote server).

    Args:
        path: a local file.

    Raises:
        UsageError: the file cannot be read as text.
    """
    try:
        text = path.read_text()
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read attachment {path}: {exc}") from exc
    return f"<attachment path=\"{path}\">\n{text}\n</attachment>"
