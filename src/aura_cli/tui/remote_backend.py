"""The TUI's backend over HTTP: the same calls as `LocalBackend`, against ``aura serve``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from aura_cli.remote import RemoteClient
from aura_cli.tui.approver import Decision
from aura_cli.tui.backend import Mode, SettingsSnapshot, TaskRun
from aura_cli.tui.model_choices import ModelChoice
from aura_core.errors import AuraError, NotFoundError, UsageError
from aura_core.events import Event
from aura_core.tasks import TaskRecord, attachment_block

__all__ = ["RemoteBackend", "RemoteRun"]


@dataclass(slots=True)
class RemoteRun:
    """A run on the server: its events come from ``source(after_seq)``."""

    task_id: str
    source: Callable[[int], AsyncIterator[Event]]
    start_seq: int = -1

    def events(self, after_seq: int | None = None) -> AsyncIterator[Event]:
        """The run's events until ``done`` (after ``after_seq``, default: the run's start)."""
        return self.source(self.start_seq if after_seq is None else after_seq)


class RemoteBackend:
    """Tasks run on a remote ``aura serve``; the TUI only shows them.

    Args:
        client: the HTTP client of the server.
    """

    owns_tasks = False

    def __init__(self, client: RemoteClient) -> None:
        self.client = client
        self.location = client.url

    async def default_model(self) -> str:
        return str((await self.client.models()).get("default") or "")

    async def check_model(self, model_id: str) -> None:
        # The server checks the model when a task starts; here only the shape is checked.
        provider, _, name = model_id.partition(":")
        if not provider or not name:
            raise UsageError(f"model ids look like provider:model, got {model_id!r}")

    async def model_choices(self, current: str) -> list[ModelChoice]:
        data = await self.client.models()
        ids = [str(m) for m in data.get("models", [])]  # type: ignore[attr-defined]
        choices = [ModelChoice(m, m, m.partition(":")[0] or "local") for m in dict.fromkeys(ids)]
        for info in await self.client.providers():
            if info.get("wire") == "local":
                continue
            note = "" if info.get("configured") else "  (no key on the server)"
            label = f"{info.get('name')}: type a model{note}"
            choices.append(ModelChoice(f"{info.get('id')}:", label, str(info.get("id"))))
        if all(c.model_id != current for c in choices):
            choices.insert(0, ModelChoice(current, current, current.partition(":")[0] or "local"))
        return choices

    async def start_task(
        self, message: str, *, model: str, project: Path, mode: Mode, attachments: Sequence[Path]
    ) -> TaskRun:
        content = message
        for path in attachments:
            content += "\n\n" + attachment_block(path)
        task_id = await self.client.create_task(
            content, model=model, project=str(project), mode=mode, max_steps=None, budget=None
        )
        return RemoteRun(task_id, lambda after: self.client.events(task_id, after))

    async def send_message(self, task_id: str, message: str) -> TaskRun:
        task = await self.client.get_task(task_id)
        full_id = str(task["id"])
        before = await self._last_seq(full_id)
        await self.client.send_message(full_id, message)
        return RemoteRun(full_id, lambda after: self.client.events(full_id, after), before)

    async def resume(self, task_id: str) -> TaskRun:
        task = await self.client.get_task(task_id)
        if task.get("status") == "completed":
            raise UsageError(f"task {task_id[:8]} is already completed")
        full_id = str(task["id"])
        stream = self.client.resume_events(full_id)

        def source(after: int) -> AsyncIterator[Event]:
            return _after(stream, after)

        return RemoteRun(full_id, source)

    async def cancel(self, task_id: str) -> bool:
        return await self.client.cancel(task_id)

    async def approve(self, approval_id: str, decision: Decision) -> None:
        await self.client.approve(approval_id, decision)

    async def compact(self, task_id: str) -> dict[str, object] | None:
        return await self.client.compact(task_id)

    async def usage_summary(self, days: int = 14) -> dict[str, object]:
        return await self.client.usage_summary(days)

    async def list_tasks(self, limit: int) -> list[TaskRecord]:
        views = await self.client.list_tasks(status=None, limit=min(limit, 500), offset=0)
        return [TaskRecord.from_view(v) for v in views]

    async def get_task(self, task_id: str) -> TaskRecord | None:
        try:
            return TaskRecord.from_view(await self.client.get_task(task_id))
        except NotFoundError:
            return None

    async def delete_task(self, task_id: str) -> None:
        await self.client.delete_task(task_id)

    async def user_messages(self, task_id: str) -> list[str]:
        messages = await self.client.messages(task_id)
        return [str(m.get("content", "")) for m in messages if m.get("role") == "user"]

    def replay(self, task_id: str) -> AsyncIterator[Event]:
        return self.client.replay(task_id)

    async def settings(self) -> SettingsSnapshot:
        from aura_core.config import SECRET_KEYS

        data = await self.client.settings()
        values = dict(data.get("settings", {}))  # type: ignore[call-overload]
        masked = frozenset(k for k, v in values.items() if v == "********")
        return SettingsSnapshot(values, dict(data.get("sources", {})), SECRET_KEYS | masked)  # type: ignore[call-overload]

    async def set_setting(self, key: str, value: str) -> None:
        await self.client.update_settings({key: value})

    async def close(self) -> None:
        await self.client.close()

    async def _last_seq(self, task_id: str) -> int:
        last = -1
        try:
            async for event in self.client.replay(task_id):
                last = event.seq
        except AuraError:
            return -1
        return last


async def _after(stream: AsyncIterator[Event], after_seq: int) -> AsyncIterator[Event]:
    async for event in stream:
        if event.seq > after_seq:
            yield event
