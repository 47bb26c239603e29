"""The TUI's port to the task API: every engine call the screens make goes through `Backend`."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

from aura_cli.tui.approver import Decision
from aura_cli.tui.model_choices import ModelChoice, model_choices
from aura_core.engine import Engine
from aura_core.events import Event
from aura_core.tasks import TaskRecord

__all__ = ["Backend", "LocalBackend", "Mode", "SettingsSnapshot", "TaskRun"]

Mode = Literal["agent", "chat", "plan"]
SettingValue = str | int | float | bool | list[str] | None


class TaskRun(Protocol):
    """A run that was just started: its task id and its events."""

    task_id: str

    def events(self, after_seq: int | None = None) -> AsyncIterator[Event]:
        """The run's events until ``done``.

        Args:
            after_seq: replay from here; by default from where the run started.
        """
        ...


@dataclass(frozen=True, slots=True)
class SettingsSnapshot:
    """Every setting with its source, and which keys are secret (never shown)."""

    values: Mapping[str, SettingValue]
    sources: Mapping[str, str]
    secret: frozenset[str]


class Backend(Protocol):
    """What the TUI needs from Aura: implemented in-process and over HTTP.

    Every method may raise `AuraError` with a one-line message the TUI shows as is.
    """

    #: Where tasks run, for the title bar ("local" or the server's URL).
    location: str
    #: Whether tasks die with this process (so quitting cancels them, resumably).
    owns_tasks: bool

    async def default_model(self) -> str:
        """The configured default model id."""
        ...

    async def check_model(self, model_id: str) -> None:
        """Raise when ``model_id`` cannot be used (unknown provider…)."""
        ...

    async def model_choices(self, current: str) -> list[ModelChoice]:
        """Models to offer in the picker, grouped by provider, ``current`` included."""
        ...

    async def start_task(
        self, message: str, *, model: str, project: Path, mode: Mode, attachments: Sequence[Path]
    ) -> TaskRun:
        """Create a task and start it."""
        ...

    async def send_message(self, task_id: str, message: str) -> TaskRun:
        """Add a follow-up message to a finished task and run it again."""
        ...

    async def resume(self, task_id: str) -> TaskRun:
        """Continue an interrupted or failed task."""
        ...

    async def cancel(self, task_id: str) -> bool:
        """Stop a running task; False when it was not running."""
        ...

    async def approve(self, approval_id: str, decision: Decision) -> None:
        """Answer a tool call waiting for approval (an ``approval`` event without decision)."""
        ...

    async def compact(self, task_id: str) -> dict[str, object] | None:
        """Compact a stopped task's older history now (``/compact``)."""
        ...

    async def usage_summary(self, days: int = 14) -> dict[str, object]:
        """Usage totals and the daily series, as ``aura usage --json`` prints them."""
        ...

    async def list_tasks(self, limit: int) -> list[TaskRecord]:
        """Top-level tasks, newest first."""
        ...

    async def get_task(self, task_id: str) -> TaskRecord | None:
        """One task by id (or unique prefix); None when there is none."""
        ...

    async def delete_task(self, task_id: str) -> None:
        """Delete a task with its transcript and events."""
        ...

    async def user_messages(self, task_id: str) -> list[str]:
        """The task's user messages, in order (as stored, attachments included)."""
        ...

    def replay(self, task_id: str) -> AsyncIterator[Event]:
        """Every stored event of the task, then live ones while it runs."""
        ...

    async def settings(self) -> SettingsSnapshot:
        """The effective settings."""
        ...

    async def set_setting(self, key: str, value: str) -> None:
        """Change one setting (``value`` is parsed as the setting's type)."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...


class LocalBackend:
    """The in-process engine.

    Args:
        engine: the engine tasks run on.
    """

    location = "local"
    owns_tasks = True

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    async def default_model(self) -> str:
        return self.engine.default_model()

    async def check_model(self, model_id: str) -> None:
        self.engine.resolve(model_id)

    async def model_choices(self, current: str) -> list[ModelChoice]:
        return model_choices(current)

    async def start_task(
        self, message: str, *, model: str, project: Path, mode: Mode, attachments: Sequence[Path]
    ) -> TaskRun:
        return await self.engine.start_task(
            message, model=model, project=project, mode=mode, attachments=attachments
        )

    async def send_message(self, task_id: str, message: str) -> TaskRun:
        return await self.engine.send_message(task_id, message)

    async def resume(self, task_id: str) -> TaskRun:
        return await self.engine.resume(task_id)

    async def cancel(self, task_id: str) -> bool:
        return await self.engine.cancel(task_id)

    async def approve(self, approval_id: str, decision: Decision) -> None:
        self.engine.approve(approval_id, decision)

    async def compact(self, task_id: str) -> dict[str, object] | None:
        return await self.engine.compact(task_id)

    async def usage_summary(self, days: int = 14) -> dict[str, object]:
        return self.engine.usage_summary(days)

    async def list_tasks(self, limit: int) -> list[TaskRecord]:
        return self.engine.store.tasks.list(limit=limit)

    async def get_task(self, task_id: str) -> TaskRecord | None:
        return self.engine.store.tasks.get(task_id)

    async def delete_task(self, task_id: str) -> None:
        await self.engine.cancel(task_id)
        self.engine.store.tasks.delete(task_id)

    async def user_messages(self, task_id: str) -> list[str]:
        return [m.content for m in self.engine.store.tasks.messages(task_id) if m.role == "user"]

    async def replay(self, task_id: str) -> AsyncIterator[Event]:
        handle = self.engine.handle(task_id)
        last = -1
        # Stored events of every run (a follow-up adds a run, each ending with ``done``).
        for event in self.engine.store.tasks.events(handle.task_id):
            last = event.seq
            yield event
        if handle.runner is not None and not handle.runner.done():
            async for event in handle.events(last):
                yield event

    async def settings(self) -> SettingsSnapshot:
        from aura_core.config import KNOWN, SECRET_KEYS

        config = self.engine.config
        return SettingsSnapshot(
            config.effective(),  # type: ignore[arg-type]
            {k: config.source(k) for k in KNOWN},
            SECRET_KEYS,
        )

    async def set_setting(self, key: str, value: str) -> None:
        self.engine.config.set(key, value)

    async def close(self) -> None:
        return None
