"""Request bodies of the REST API (the gateway's wire formats live in ``gateway/wire.py``)."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

__all__ = ["MessageIn", "Mode", "RunIn", "SettingValue", "StopIn", "TaskIn"]

Mode = Literal["agent", "chat", "plan"]
SettingValue = str | int | float | bool | None | list[str]
NonEmpty = Annotated[str, msgspec.Meta(min_length=1, max_length=200_000)]


class TaskIn(msgspec.Struct, kw_only=True):
    """A new task."""

    message: NonEmpty
    model: str | None = None
    project_path: str | None = None
    role: str | None = None
    mode: Mode = "agent"
    max_steps: Annotated[int, msgspec.Meta(ge=1, le=1000)] | None = None
    budget: Annotated[float, msgspec.Meta(ge=0)] | None = None
    #: Tool names the task may use (None: all; empty: none).
    tools: Annotated[list[str], msgspec.Meta(max_length=256)] | None = None


class RunIn(msgspec.Struct, kw_only=True):
    """A task started on a streaming endpoint (``/api/agent/run``, ``/api/chat/send``)."""

    message: NonEmpty
    model: str | None = None
    project_path: str | None = None
    role: str | None = None
    max_steps: Annotated[int, msgspec.Meta(ge=1, le=1000)] | None = None
    budget: Annotated[float, msgspec.Meta(ge=0)] | None = None
    #: Tool names the task may use (None: all; empty: none).
    tools: Annotated[list[str], msgspec.Meta(max_length=256)] | None = None


class MessageIn(msgspec.Struct, kw_only=True):
    """A follow-up message to an existing task."""

    message: NonEmpty


class StopIn(msgspec.Struct, kw_only=True):
    """Which task to stop."""

    task_id: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class ApprovalIn(msgspec.Struct, kw_only=True):
    """A human decision on a pending tool call."""

    decision: Literal["once", "always", "deny"]
