"""The Textual app: owns nothing but the backend; the workspace screen does the work."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from textual.app import App
from textual.binding import Binding
from textual.widgets import TextArea

from aura_cli.tui.approver import TuiApprover
from aura_cli.tui.backend import Backend
from aura_cli.tui.dependencies import dependency_problems
from aura_cli.tui.palette import AuraCommands
from aura_cli.tui.screens.workspace import WorkspaceScreen
from aura_core.errors import AuraError

__all__ = ["AuraApp"]


class AuraApp(App[None]):
    """Aura's full-screen workspace over a `Backend` (the in-process engine or a server).

    Args:
        backend: where tasks run (`LocalBackend` or `RemoteBackend`).
        model: the model new tasks use; the backend's default when None.
        project: the project directory; the current directory when None.
        clock: the time source (tests inject a fixed one).
        greeting: a fixed greeting (tests); chosen from the clock when None.
        problems: finds dependency problems for the dashboard banner (tests inject one).
    """

    TITLE = "Aura"
    COMMANDS = App.COMMANDS | {AuraCommands}
    BINDINGS = [Binding("ctrl+c", "interrupt", "Cancel / copy", show=False, priority=True)]

    def __init__(
        self,
        backend: Backend,
        *,
        model: str | None = None,
        project: Path | None = None,
        clock: Callable[[], datetime] = datetime.now,
        greeting: str | None = None,
        problems: Callable[[str], list[str]] = dependency_problems,
    ) -> None:
        super().__init__()
        self.backend = backend
        self.clock = clock
        self.greeting = greeting
        self.problems = problems
        self.project = (project or Path.cwd()).expanduser().resolve()
        #: The model new tasks start with (the backend's default is fetched on mount).
        self.model = model
        #: Answers tool-approval questions with a dialog (for the engine's Approver port).
        self.approver = TuiApprover(self)

    async def on_mount(self) -> None:
        if self.backend.location != "local":
            self.sub_title = self.backend.location
        if self.model is None:
            try:
                self.model = await self.backend.default_model()
            except AuraError as exc:
                self.exit(message=f"aura: error: {exc.message}")
                return
        await self.push_screen(WorkspaceScreen(self.project, self.model))

    @property
    def workspace(self) -> WorkspaceScreen:
        """The main screen."""
        for screen in self.screen_stack:
            if isinstance(screen, WorkspaceScreen):
                return screen
        raise LookupError("the workspace screen is not open")

    def action_interrupt(self) -> None:
        """ctrl+c: copy a selection in the composer, else cancel the task on screen."""
        focused = self.focused
        if isinstance(focused, TextArea) and focused.selected_text:
            focused.action_copy()
            return
        if isinstance(self.screen, WorkspaceScreen):
            self.screen.action_cancel_task()

    async def on_unmount(self) -> None:
        # In-process tasks end as "interrupted" (resumable), never as orphans; tasks on a
        # server keep running there.
        if self.backend.owns_tasks:
            for task_id, thread in list(self.workspace_threads().items()):
                if thread.status == "running":
                    await self.backend.cancel(task_id)
        await self.backend.close()

    def workspace_threads(self) -> dict[str, object]:
        """The open threads by task id (empty before the workspace is shown)."""
        try:
            return dict(self.workspace.threads)
        except LookupError:
            return {}
