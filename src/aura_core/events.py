"""The one typed event stream every run produces, and its JSON form."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Literal, get_args

__all__ = ["EVENT_TYPES", "RESULT_PREVIEW_CHARS", "Event", "EventType", "result_preview"]

EventType = Literal[
    "text",
    "thinking",
    "tool_use",
    "tool_result",
    "plan",
    "status",
    "usage",
    "role",
    "approval",
    "error",
    "done",
]
EVENT_TYPES: tuple[str, ...] = get_args(EventType)

_ENVELOPE = ("type", "task_id", "seq", "ts", "parent_id", "agent")
#: A ``tool_result`` event shows this much of the result; the transcript keeps all of it.
RESULT_PREVIEW_CHARS = 4000


def result_preview(content: str) -> str:
    """A tool result as a ``tool_result`` event shows it."""
    if len(content) <= RESULT_PREVIEW_CHARS:
        return content
    return content[:RESULT_PREVIEW_CHARS] + f"\n[... {len(content)} characters]"

JSONValue = str | int | float | bool | None | list["JSONValue"] | dict[str, "JSONValue"]


@dataclass(slots=True, frozen=True)
class Event:
    """One thing that happened in a run.

    The JSON form is flat: the envelope keys (`type`, `task_id`, `seq`, `ts`, `parent_id`,
    `agent`) next to the type's own payload keys, e.g.
    `{"type": "text", "task_id": "t1", "seq": 4, "ts": 1.7e9, "text": "Hi"}`.
    """

    type: EventType
    task_id: str
    seq: int
    data: dict[str, JSONValue] = field(default_factory=dict)
    ts: float = field(default_factory=time.time)
    parent_id: str | None = None
    agent: str | None = None

    def to_dict(self) -> dict[str, JSONValue]:
        """Return the flat JSON-ready form (the SSE / NDJSON payload)."""
        out: dict[str, JSONValue] = {
            "type": self.type,
            "task_id": self.task_id,
            "seq": self.seq,
            "ts": round(self.ts, 6),
        }
        if self.parent_id is not None:
            out["parent_id"] = self.parent_id
        if self.agent is not None:
            out["agent"] = self.agent
        out.update(self.data)
        return out

    def to_json(self) -> str:
        """Return the event as one line of JSON."""
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_dict(cls, raw: dict[str, JSONValue]) -> Event:
        """Rebuild an event from its flat JSON form.

        Raises:
            ValueError: the type is unknown or an envelope key is missing.
        """
        kind = raw.get("type")
        if kind not in EVENT_TYPES:
            raise ValueError(f"unknown event type: {kind!r}")
        try:
            task_id = str(raw["task_id"])
            seq = int(raw["seq"])  # type: ignore[arg-type]
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"event is missing its envelope: {exc}") from exc
        data = {k: v for k, v in raw.items() if k not in _ENVELOPE}
        parent = raw.get("parent_id")
        agent = raw.get("agent")
        return cls(
            type=kind,  # type: ignore[arg-type]
            task_id=task_id,
            seq=seq,
            data=data,
            ts=float(raw.get("ts") or time.time()),  # type: ignore[arg-type]
            parent_id=str(parent) if parent is not None else None,
            agent=str(agent) if agent is not None else None,
        )

    @classmethod
    def from_json(cls, line: str) -> Event:
        """Parse one line of JSON into an event."""
        return cls.from_dict(json.loads(line))
