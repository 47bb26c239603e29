"""The main screen: sidebar, the view or thread in the middle, composer, context panel."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Footer

from aura_cli.tui.model_choices import model_choices
from aura_cli.tui.slash import SLASH_COMMANDS, parse_slash
from aura_cli.tui.widgets.composer import Composer
from aura_cli.tui.widgets.context_panel import ContextPanel, TaskUsage, context_window
from aura_cli.tui.widgets.dashboard import Dashboard, greeting_for
from aura_cli.tui.widgets.models_view import ModelsView
from aura_cli.tui.widgets.quick_action import QuickAction
from aura_cli.tui.widgets.settings_view import SettingsView
from aura_cli.tui.widgets.sidebar import Sidebar, View
from aura_cli.tui.widgets.task_list import TaskList
from aura_cli.tui.widgets.thread import Thread
from aura_core.errors import AuraError
from aura_core.events import Event

if TYPE_CHECKING:
    from aura_cli.tui.app import AuraApp
    from aura_core.engine import TaskHandle

__all__ = ["NARROW_WIDTH", "WorkspaceScreen"]

Mode = Literal["agent", "chat", "plan"]
NARROW_WIDTH = 100
"""Below this many columns the sidebar collapses (ctrl+g brings it back)."""
_KEYS_HELP = (
    "keys: enter send · shift+enter / alt+enter / ctrl+j newline · up/down history · "
    "tab complete · escape or ctrl+c cancel task · ctrl+n new task · ctrl+t tasks · "
    "ctrl+o model · ctrl+b context panel · ctrl+g sidebar · ctrl+r resume · "
    "ctrl+p command palette · ctrl+q quit"
)


class WorkspaceScreen(Screen[None]):
    """Everything the user does happens here; engine calls run in workers."""

    CSS_PATH = "workspace.tcss"
    BINDINGS = [
        Binding("escape", "cancel_task", "Cancel task"),
        Binding("ctrl+n", "new_task", "New"),
        Binding("ctrl+t", "show_view('tasks')", "Tasks"),
        Binding("ctrl+o", "pick_model", "Model"),
        Binding("ctrl+b", "toggle_context", "Context"),
        Binding("ctrl+g", "toggle_sidebar", "Sidebar"),
        Binding("ctrl+r", "resume_task", "Resume", show=False),
        Binding("f1", "help", "Help", show=False),
    ]

    def __init__(self, project: Path, model: str) -> None:
        super().__init__()
        self.project = project
        #: The model new tasks use (ctrl+o or /model changes it for this session).
        self.model = model
        #: The mode new tasks use.
        self.mode: Mode = "agent"
        #: The task whose thread is on screen, if any.
        self.current: str | None = None
        self.threads: dict[str, Thread] = {}
        self.usage: dict[str, TaskUsage] = {}
        self._sidebar_forced: bool | None = None

    @property
    def aura(self) -> AuraApp:
        """The app, typed."""
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        greeting = self.aura.greeting or greeting_for(self.aura.clock().hour)
        with Horizontal(id="body"):
            yield Sidebar(id="sidebar")
            with Vertical(id="main"):
                with ContentSwitcher(initial="dashboard", id="views"):
                    yield Dashboard(greeting, self.aura.problems(self.model), id="dashboard")
                    yield TaskList(id="tasks")
                    yield ModelsView(id="models")
                    yield SettingsView(id="settings")
                yield Composer(self.project, id="composer")
            yield ContextPanel(id="context")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(ContextPanel).display = False
        self._set_composer_status()
        self.refresh_tasks()
        self.query_one(Composer).prompt.focus()

    def on_resize(self) -> None:
        if self._sidebar_forced is None:
            self.query_one(Sidebar).display = self.size.width >= NARROW_WIDTH

    # -- views ---------------------------------------------------------------------------
    def refresh_tasks(self) -> None:
        """Reload the task lists in the sidebar, dashboard and Tasks view."""
        records = self.aura.engine.store.tasks.list(limit=200)
        self.query_one(Sidebar).set_tasks(records[:12])
        self.query_one(Dashboard).set_tasks(records[:8])
        self.query_one(TaskList).set_tasks(records)

    def show(self, view_id: str) -> None:
        """Put a view or a thread in the middle."""
        self.query_one(ContentSwitcher).current = view_id
        self.current = view_id.removeprefix("thread-") if view_id.startswith("thread-") else None
        self._update_context()

    def action_show_view(self, view: View) -> None:
        """Show the dashboard, tasks, models or settings view."""
        if view == "models":
            self.query_one(ModelsView).set_models(
                model_choices(self.model), self.aura.engine.default_model()
            )
        elif view == "settings":
            self._fill_settings()
        elif view == "tasks":
            self.refresh_tasks()
        self.show(view)

    def _fill_settings(self) -> None:
        from aura_core.config import KNOWN, SECRET_KEYS

        config = self.aura.engine.config
        self.query_one(SettingsView).set_settings(
            config.effective(), {k: config.source(k) for k in KNOWN}, SECRET_KEYS
        )

    def on_sidebar_navigate(self, event: Sidebar.Navigate) -> None:
        self.action_show_view(event.view)

    def on_sidebar_open_task(self, event: Sidebar.OpenTask) -> None:
        self.open_task(event.task_id)

    def _set_composer_status(self) -> None:
        self.query_one(Composer).set_status(self.model, self.mode)

    def _update_context(self) -> None:
        panel = self.query_one(ContextPanel)
        if self.current is None or not panel.display:
            return
        record = self.aura.engine.store.tasks.get(self.current)
        if record is None:
            return
        usage = self.usage.setdefault(self.current, TaskUsage(model=record.model))
        n_ctx = self.aura.engine.config.get("local.n_ctx")
        window = context_window(record.model, int(n_ctx) if isinstance(n_ctx, int) else None)
        panel.show(
            record.title,
            self.threads[self.current].status if self.current in self.threads else record.status,
            usage,
            window,
        )

    # -- actions -------------------------------------------------------------------------
    def action_new_task(self) -> None:
        """Back to the dashboard; the next prompt starts a new task."""
        self.show("dashboard")
        self.query_one(Composer).prompt.focus()

    def action_toggle_context(self) -> None:
        """Show or hide the context panel."""
        panel = self.query_one(ContextPanel)
        panel.display = not panel.display
        self._update_context()

    def action_toggle_sidebar(self) -> None:
        """Show or hide the sidebar."""
        sidebar = self.query_one(Sidebar)
        sidebar.display = not sidebar.display
        self._sidebar_forced = sidebar.display

    def action_pick_model(self) -> None:
        """Open the model picker."""
        from aura_cli.tui.screens.model_picker import ModelPicker

        def chosen(model_id: str | None) -> None:
            if model_id:
                self.set_model(model_id)

        self.app.push_screen(ModelPicker(model_choices(self.model), self.model), chosen)

    def set_model(self, model_id: str) -> None:
        """Use ``model_id`` for new tasks in this session (checked by the engine first)."""
        try:
            self.aura.engine.resolve(model_id)
        except AuraError as exc:
            self.notify(exc.message, severity="error")
            return
        self.model = model_id
        self._set_composer_status()
        self.notify(f"model: {model_id}")

    def set_mode(self, mode: Mode) -> None:
        """Use ``mode`` for new tasks."""
        self.mode = mode
        self._set_composer_status()

    def action_help(self) -> None:
        """Show slash commands and keys."""
        lines = [f"/{name}: {doc}" for name, doc in SLASH_COMMANDS.items()]
        self.notify("\n".join([*lines, _KEYS_HELP]), title="Help", timeout=20)

    def action_cancel_task(self) -> None:
        """Cancel the running task on screen."""
        if (
            self.current
            and self.threads.get(self.current, None) is not None
            and (self.threads[self.current].status == "running")
        ):
            self._cancel(self.current)
        else:
            self.notify("no running task on screen", severity="warning")

    def action_resume_task(self) -> None:
        """Resume the interrupted or failed task on screen."""
        if self.current:
            self.resume_task(self.current)

    # -- composer ------------------------------------------------------------------------
    def on_composer_submitted(self, event: Composer.Submitted) -> None:
        try:
            command = parse_slash(event.text)
        except AuraError as exc:
            self.notify(exc.message, severity="error")
            return
        if command is not None:
            self._slash(command.name, command.argument)
            return
        thread = self.threads.get(self.current or "")
        if thread is None:
            self.start_task(event.text, event.attachments)
        elif thread.status == "running":
            self.notify("this task is still running: ctrl+n starts another one", severity="warning")
        else:
            if event.attachments:
                self.notify("attachments go with new tasks only (ctrl+n)", severity="warning")
            self._follow_up(thread, event.text)

    def on_quick_action_pressed(self, event: QuickAction.Pressed) -> None:
        self.start_task(event.spec.prompt, ())

    def _slash(self, name: str, argument: str) -> None:
        if name == "model":
            self.set_model(argument) if argument else self.action_pick_model()
        elif name in ("plan", "chat", "agent"):
            self.set_mode(name)  # type: ignore[arg-type]
        elif name == "new":
            self.action_new_task()
        elif name == "help":
            self.action_help()
        elif name == "cancel":
            self.action_cancel_task()
        elif name == "clear" and self.current in self.threads:
            self.threads[self.current].run_worker(self.threads[self.current].clear())
        elif name == "attach":
            path = (self.project / argument).expanduser() if argument else None
            if path is None or not path.is_file():
                self.notify(f"no such file: {argument or '(none given)'}", severity="error")
            else:
                self.query_one(Composer).attach(path.resolve())

    # -- engine calls (workers) --------------------------------------------------------
    async def _new_thread(self, task_id: str, title: str) -> Thread:
        thread = Thread(task_id, title, id=f"thread-{task_id}")
        self.threads[task_id] = thread
        await self.query_one(ContentSwitcher).mount(thread)
        self.show(thread.id or "")
        return thread

    @work(group="engine")
    async def start_task(self, text: str, attachments: tuple[Path, ...]) -> None:
        """Start a task with the current model and mode, and stream it into a new thread."""
        try:
            handle = await self.aura.engine.start_task(
                text,
                model=self.model,
                project=self.project,
                mode=self.mode,
                attachments=attachments,
            )
        except AuraError as exc:
            self.notify(exc.message, severity="error")
            return
        record = self.aura.engine.store.tasks.get(handle.task_id)
        thread = await self._new_thread(handle.task_id, record.title if record else "")
        thread.status = "running"
        await thread.add_user(text, attachments)
        self.refresh_tasks()
        await self._follow(thread, handle)

    @work(group="engine")
    async def _follow_up(self, thread: Thread, text: str) -> None:
        try:
            handle = await self.aura.engine.send_message(thread.task_id, text)
        except AuraError as exc:
            self.notify(exc.message, severity="error")
            return
        thread.status = "running"
        await thread.add_user(text)
        await self._follow(thread, handle)

    @work(group="engine")
    async def resume_task(self, task_id: str) -> None:
        """Resume an interrupted or failed task and stream the new run into its thread."""
        try:
            handle = await self.aura.engine.resume(task_id)
        except AuraError as exc:
            self.notify(exc.message, severity="error")
            return
        thread = self.threads.get(handle.task_id)
        if thread is None:
            thread = await self._replay(handle.task_id)
        self.show(thread.id or "")
        await self._follow(thread, handle)

    @work(group="engine")
    async def open_task(self, task_id: str) -> None:
        """Show a task's thread, replaying its stored events (and live ones if it runs)."""
        if task_id in self.threads:
            self.show(f"thread-{task_id}")
            return
        try:
            thread = await self._replay(task_id)
        except AuraError as exc:
            self.notify(exc.message, severity="error")
            return
        if thread.status == "running":
            await self._follow(thread, self.aura.engine.handle(task_id), after_seq=thread.seq)

    async def _replay(self, task_id: str) -> Thread:
        engine = self.aura.engine
        record = engine.store.tasks.get(task_id)
        if record is None:
            raise AuraError(f"task not found: {task_id}")
        live = engine.handle(record.id).runner is not None
        thread = await self._new_thread(record.id, record.title)
        users = [m.content for m in engine.store.tasks.messages(record.id) if m.role == "user"]
        thread.queue_user_messages(_without_plan_prompts(users))
        thread.seq = -1
        for event in engine.store.tasks.events(record.id):
            await self._apply(thread, event)
        if live:
            thread.status = "running"
        elif thread.status in ("running", "idle"):
            thread.status = record.status
        return thread

    @work(group="engine")
    async def _cancel(self, task_id: str) -> None:
        await self.aura.engine.cancel(task_id)

    async def _follow(
        self,
        thread: Thread,
        handle: TaskHandle,
        after_seq: int | None = None,
    ) -> None:
        async for event in handle.events(after_seq):
            await self._apply(thread, event)
        self.refresh_tasks()
        if self.current != thread.task_id:
            self.notify(f"{thread.title_text}: {thread.status}", title="Task finished", timeout=8)

    async def _apply(self, thread: Thread, event: Event) -> None:
        thread.seq = event.seq
        if event.type == "usage":
            self.usage.setdefault(thread.task_id, TaskUsage()).add(event)
        await thread.apply(event)
        if thread.task_id == self.current and event.type in ("usage", "done", "status"):
            self._update_context()

    async def on_task_list_action(self, event: TaskList.Action) -> None:
        if event.action == "open":
            self.open_task(event.task_id)
        elif event.action == "resume":
            self.resume_task(event.task_id)
        elif event.action == "delete":
            thread = self.threads.get(event.task_id)
            if thread is not None and thread.status == "running":
                self.notify("cancel the task before deleting it", severity="warning")
                return
            self.aura.engine.store.tasks.delete(event.task_id)
            if thread is not None:
                del self.threads[event.task_id]
                await thread.remove()
            self.refresh_tasks()
            self.notify("task deleted")

    def on_models_view_chosen(self, event: ModelsView.Chosen) -> None:
        if event.model_id.endswith(":"):
            self.action_pick_model()
            return
        self.set_model(event.model_id)
        if self.model == event.model_id:
            self.aura.engine.config.set("model", event.model_id)
            self.action_show_view("models")

    def on_settings_view_changed(self, event: SettingsView.Changed) -> None:
        try:
            self.aura.engine.config.set(event.key, event.value)
        except AuraError as exc:
            self.notify(exc.message, severity="error")
            return
        self.notify(f"{event.key} updated")
        self._fill_settings()


def _without_plan_prompts(contents: list[str]) -> list[str]:
    try:
        from aura_core.agent.loop import PLAN_INSTRUCTION
    except ImportError:
        PLAN_INSTRUCTION = ""  # noqa: N806
    skip = {PLAN_INSTRUCTION, "Now carry out the plan."}
    return [c for c in contents if c not in skip]
