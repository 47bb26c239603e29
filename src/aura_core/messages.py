"""The transcript's message and tool-call types, shared by providers, the loop and the store."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Literal

__all__ = ["Message", "Role", "ToolCall", "ToolSpec"]

Role = Literal["system", "user", "assistant", "tool"]


@dataclass(slots=True)
class ToolCall:
    """A model's request to run one tool."""

    id: str
    name: str
    arguments: dict[str, object]

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {"id": self.id, "name": self.name, "arguments": self.arguments}

    @classmethod
    def from_dict(cls, raw: dict[str, object]) -> ToolCall:
        """Rebuild from :meth:`to_dict` output."""
        args = raw.get("arguments") or {}
        if isinstance(args, str):
            args = json.loads(args or "{}")
        return cls(id=str(raw["id"]), name=str(raw["name"]), arguments=dict(args))  # type: ignore[arg-type]


@dataclass(slots=True)
class ToolSpec:
    """What a model is told about a tool: its name, purpose and JSON-schema parameters."""

    name: str
    description: str
    parameters: dict[str, object]


@dataclass(slots=True)
class Message:
    """One transcript entry.

    Attributes:
        role: who said it; ``tool`` messages carry one tool's result.
        content: the text (for ``tool``, the result text).
        tool_calls: calls an assistant message asked for.
        tool_call_id: for ``tool`` messages, the call this answers.
        name: for ``tool`` messages, the tool's name.
        thinking: reasoning text the model streamed, kept for display.
        is_error: for ``tool`` messages, whether the tool failed.
    """

    role: Role
    content: str = ""
    tool_calls: list[ToolCall] = field(default_factory=list)
    tool_call_id: str | None = None
    name: str | None = None
    thinking: str = ""
    is_error: bool = False
