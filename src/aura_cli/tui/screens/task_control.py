"""The workspace's task workers: start, follow, follow up, resume, open, cancel, delete."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.screen import Screen
from textual.widgets import ContentSwitcher

from aura_cli.tui.widgets.context_panel import TaskUsage
from aura_cli.tui.widgets.thread import Thread
from aura_core.errors import AuraError, NotFoundError
from aura_core.events import Event

if TYPE_CHECKING:
    from aura_cli.tui.app import AuraApp
    from aura_cli.tui.backend import Mode, TaskRun

__all__ = ["TaskControl", "without_plan_prompts"]


class TaskControl(Screen[None]):
    """Runs every backend call about tasks in a worker and streams events into threads.

    The workspace screen derives from it; it provides ``show``, ``refresh_tasks`` and
    ``update_context``.
    """

    model: str
    mode: Mode
    project: Path
    current: str | None

    def __init__(self) -> None:
        super().__init__()
        #: The open threads by task id.
        self.threads: dict[str, Thread] = {}
        #: Usage per task, from its ``usage`` events.
        self.usage: dict[str, TaskUsage] = {}
        #: Approval requests still waiting, by approval id: the task they belong to.
        self.approvals: dict[str, str] = {}

    @property
    def aura(self) -> AuraApp:
        """The app, typed."""
        return self.app  # type: ignore[return-value]

    # Provided by the workspace screen.
    def show(self, view_id: str) -> None:
        raise NotImplementedError

    def refresh_tasks(self) -> object:
        raise NotImplementedError

    def update_context(self) -> None:
        raise NotImplementedError

    async def _new_thread(self, task_id: str, title: str, model: str) -> Thread:
        thread = Thread(task_id, title, id=f"thread-{task_id}")
        thread.model = model
        self.threads[task_id] = thread
        await self.query_one(ContentSwitcher).mount(thread)
        self.show(thread.id or "")
        return thread

    @work(group="engine")
    async def start_task(self, text: str, attachments: tuple[Path, ...]) -> None:
        """Start a task with the current model and mode, and stream it into a new thread."""
        backend = self.aura.backend
        try:
            run = await backend.start_task(
                text,
                model=self.model,
                project=self.project,
                mode=self.mode,
                attachments=attachments,
            )
            record = await backend.get_task(run.task_id)
        except AuraError as exc:
            self.notify(exc.message, severity="error")
            return
        title = record.title if record else text[:60]
        thread = await self._new_thread(run.task_id, title, self.model)
        thread.status = "running"
        await thread.add_user(text, attachments)
        self.refresh_tasks()
        await self._follow(thread, run, after_seq=-1)

    @work(group="engine")
    async def follow_up(self, thread: Thread, text: str) -> None:
        """Send a follow-up prompt to the finished task on screen and stream the new run."""
        try:
            run = await self.aura.backend.send_message(thread.task_id, text)
        except AuraError as exc:
            self.notify(exc.message, severity="error")
            return
        thread.status = "running"
        await thread.add_user(text)
        await self._follow(thread, run, after_seq=thread.seq)

    @work(group="engine")
    async def resume_task(self, task_id: str) -> None:
        """Resume an interrupted or failed task and stream the new run into its thread."""
        try:
            thread = self.threads.get(task_id) or await self._replay(task_id)
            run = await self.aura.backend.resume(thread.task_id)
        except AuraError as exc:
            self.notify(exc.message, severity="error")
            return
        self.show(thread.id or "")
        await self._follow(thread, run, after_seq=thread.seq)

    @work(group="engine")
    async def open_task(self, task_id: str) -> None:
        """Show a task's thread, replaying its stored events (and live ones while it runs)."""
        if task_id in self.threads:
            self.show(f"thread-{task_id}")
            return
        try:
            await self._replay(task_id)
        except AuraError as exc:
            self.notify(exc.message, severity="error")

    async def _replay(self, task_id: str) -> Thread:
        backend = self.aura.backend
        record = await backend.get_task(task_id)
        if record is None:
            raise AuraError(f"task not found: {task_id}")
        thread = await self._new_thread(record.id, record.title, record.model)
        thread.queue_user_messages(without_plan_prompts(await backend.user_messages(record.id)))
        thread.seq = -1
        async for event in backend.replay(record.id):
            await self.apply_event(thread, event)
        await thread.end_stream()
        if thread.status in ("running", "idle"):
            latest = await backend.get_task(record.id)
            thread.status = latest.status if latest else record.status
        self.refresh_tasks()
        return thread

    @work(group="engine")
    async def cancel_task(self, task_id: str) -> None:
        """Cancel a running task (it ends ``interrupted`` and can be resumed)."""
        try:
            await self.aura.backend.cancel(task_id)
        except AuraError as exc:
            self.notify(exc.message, severity="error")

    @work(group="engine")
    async def compact_task(self) -> None:
        """``/compact``: summarise the shown task's older history now."""
        task_id = self.current
        thread = self.threads.get(task_id or "")
        if task_id is None or thread is None:
            self.notify("open a task first", severity="warning")
            return
        if thread.status == "running":
            self.notify("compact the task when it stops", severity="warning")
            return
        try:
            result = await self.aura.backend.compact(task_id)
        except AuraError as exc:
            self.notify(exc.message, severity="error")
            return
        if result is None:
            self.notify("nothing to compact: the history is already short")
        else:
            self.notify(
                f"compacted {result['dropped']} messages "
                f"(~{result['tokens_before']} → ~{result['tokens_after']} tokens)"
            )

    @work(group="engine")
    async def delete_task(self, task_id: str) -> None:
        """Delete a task (refused while it runs on screen)."""
        thread = self.threads.get(task_id)
        if thread is not None and thread.status == "running":
            self.notify("cancel the task before deleting it", severity="warning")
            return
        try:
            await self.aura.backend.delete_task(task_id)
        except AuraError as exc:
            self.notify(exc.message, severity="error")
            return
        if thread is not None:
            del self.threads[task_id]
            await thread.remove()
        self.refresh_tasks()
        self.notify("task deleted")

    async def _follow(self, thread: Thread, run: TaskRun, after_seq: int) -> None:
        try:
            async for event in run.events(after_seq):
                await self.apply_event(thread, event)
        except AuraError as exc:
            await thread.add_notice(f"error [{exc.code}]: {exc.message}", "error")
            if thread.status == "running":
                thread.status = "failed"
        self.refresh_tasks()
        if self.current != thread.task_id:
            self.notify(f"{thread.title_text}: {thread.status}", title="Task finished", timeout=8)

    async def apply_event(self, thread: Thread, event: Event) -> None:
        """Show one event in its thread and fold usage into the context panel."""
        thread.seq = event.seq
        if event.type == "usage":
            self.usage.setdefault(thread.task_id, TaskUsage()).add(event)
        await thread.apply(event)
        if event.type == "approval":
            self._on_approval(thread, event)
        elif event.type == "done":
            # A run that ends (cancelled…) while a call waits: its question is moot.
            for approval_id, task_id in list(self.approvals.items()):
                if task_id == thread.task_id:
                    del self.approvals[approval_id]
                    self.aura.approver.settle(approval_id)
        if thread.task_id == self.current and event.type in ("usage", "done", "status"):
            self.update_context()

    def _on_approval(self, thread: Thread, event: Event) -> None:
        approval_id = str(event.data.get("approval_id") or "")
        if not approval_id:
            return
        if event.data.get("decision") is None:
            self.approvals[approval_id] = thread.task_id
            arguments = event.data.get("arguments")
            self.ask_approval(
                approval_id,
                str(event.data.get("tool")),
                arguments if isinstance(arguments, dict) else {},
            )
        else:
            # Answered (here or by another client): close the dialog if it is still open.
            self.approvals.pop(approval_id, None)
            self.aura.approver.settle(approval_id)

    @work(group="approvals")
    async def ask_approval(self, approval_id: str, tool: str, arguments: dict[str, object]) -> None:
        """Show the approval dialog for a held tool call and send the user's decision."""
        decision = await self.aura.approver.request(approval_id, tool, arguments)
        if decision is None:
            return
        try:
            await self.aura.backend.approve(approval_id, decision)
        except NotFoundError:
            return  # the run ended (or another client answered) while the dialog was open
        except AuraError as exc:
            self.notify(exc.message, severity="error")


def without_plan_prompts(contents: list[str]) -> list[str]:
    """User messages without the ones plan mode adds itself.

    Args:
        contents: the transcript's user messages.
    """
    try:
        from aura_core.agent.context import PLAN_INSTRUCTION
    except ImportError:
        PLAN_INSTRUCTION = ""  # noqa: N806
    skip = {PLAN_INSTRUCTION, "Now carry out the plan."}
    return [c for c in contents if c not in skip]
