"""The main screen: sidebar, the view or thread in the middle, composer, context panel."""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import ContentSwitcher, Footer

from aura_cli.tui.backend import Mode
from aura_cli.tui.screens.task_control import TaskControl
from aura_cli.tui.slash import SLASH_COMMANDS, parse_slash
from aura_cli.tui.widgets.composer import Composer
from aura_cli.tui.widgets.context_panel import ContextPanel, TaskUsage, context_window
from aura_cli.tui.widgets.dashboard import Dashboard, greeting_for
from aura_cli.tui.widgets.models_view import ModelsView
from aura_cli.tui.widgets.quick_action import QuickAction
from aura_cli.tui.widgets.settings_view import SettingsView
from aura_cli.tui.widgets.sidebar import Sidebar, View
from aura_cli.tui.widgets.task_list import TaskList
from aura_cli.tui.widgets.usage_view import UsageView
from aura_core.errors import AuraError

__all__ = ["NARROW_WIDTH", "WorkspaceScreen"]

NARROW_WIDTH = 100
"""Below this many columns the sidebar collapses (ctrl+g brings it back)."""
_KEYS_HELP = (
    "keys: enter send · shift+enter / alt+enter / ctrl+j newline · up/down history · "
    "tab complete · escape or ctrl+c cancel task · ctrl+n new task · ctrl+t tasks · f2 usage · "
    "ctrl+o model · ctrl+b context panel · ctrl+g sidebar · ctrl+r resume · "
    "ctrl+p command palette · ctrl+q quit"
)


class WorkspaceScreen(TaskControl):
    """Everything the user does happens here; backend calls run in workers."""

    CSS_PATH = "workspace.tcss"
    BINDINGS = [
        Binding("escape", "cancel_task", "Cancel task"),
        Binding("ctrl+n", "new_task", "New"),
        Binding("ctrl+t", "show_view('tasks')", "Tasks"),
        Binding("f2", "show_view('usage')", "Usage", show=False),
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
        #: The configured local context size (for the context bar of local models).
        self.local_n_ctx: int | None = None
        self._sidebar_forced: bool | None = None

    def compose(self) -> ComposeResult:
        greeting = self.aura.greeting or greeting_for(self.aura.clock().hour)
        with Horizontal(id="body"):
            yield Sidebar(id="sidebar")
            with Vertical(id="main"):
                with ContentSwitcher(initial="dashboard", id="views"):
                    yield Dashboard(greeting, self.aura.problems(self.model), id="dashboard")
                    yield TaskList(id="tasks")
                    yield UsageView(id="usage")
                    yield ModelsView(id="models")
                    yield SettingsView(id="settings")
                yield Composer(self.project, id="composer")
            yield ContextPanel(id="context")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(ContextPanel).display = False
        self._set_composer_status()
        self.refresh_tasks()
        self._load_context_size()
        self.query_one(Composer).prompt.focus()

    def on_resize(self) -> None:
        if self._sidebar_forced is None:
            self.query_one(Sidebar).display = self.size.width >= NARROW_WIDTH

    # -- views ---------------------------------------------------------------------------
    @work(group="tasks", exclusive=True)
    async def refresh_tasks(self) -> None:
        """Reload the task lists in the sidebar, dashboard and Tasks view."""
        try:
            records = await self.aura.backend.list_tasks(200)
        except AuraError as exc:
            self.notify(exc.message, severity="error")
            return
        self.query_one(Sidebar).set_tasks(records[:12])
        self.query_one(Dashboard).set_tasks(records[:8])
        self.query_one(TaskList).set_tasks(records)

    @work(group="settings")
    async def _load_context_size(self) -> None:
        try:
            snapshot = await self.aura.backend.settings()
        except AuraError:
            return
        n_ctx = snapshot.values.get("local.n_ctx")
        self.local_n_ctx = n_ctx if isinstance(n_ctx, int) else None

    def show(self, view_id: str) -> None:
        """Put a view or a thread in the middle."""
        self.query_one(ContentSwitcher).current = view_id
        self.current = view_id.removeprefix("thread-") if view_id.startswith("thread-") else None
        self.update_context()

    @work(group="views", exclusive=True)
    async def action_show_view(self, view: View) -> None:
        """Show the dashboard, tasks, usage, models or settings view."""
        backend = self.aura.backend
        try:
            if view == "models":
                choices = await backend.model_choices(self.model)
                default = await backend.default_model()
                self.query_one(ModelsView).set_models(choices, default)
            elif view == "settings":
                await self._fill_settings()
            elif view == "tasks":
                self.refresh_tasks()
            elif view == "usage":
                self.query_one(UsageView).set_summary(await backend.usage_summary(14))
        except AuraError as exc:
            self.notify(exc.message, severity="error")
        self.show(view)

    async def _fill_settings(self) -> None:
        snapshot = await self.aura.backend.settings()
        view = self.query_one(SettingsView)
        view.set_settings(snapshot.values, snapshot.sources, snapshot.secret)

    def on_sidebar_navigate(self, event: Sidebar.Navigate) -> None:
        self.action_show_view(event.view)

    def on_sidebar_open_task(self, event: Sidebar.OpenTask) -> None:
        self.open_task(event.task_id)

    def _set_composer_status(self) -> None:
        backend = self.aura.backend
        where = "" if backend.owns_tasks else f" @ {backend.location}"
        self.query_one(Composer).set_status(self.model + where, self.mode)

    def update_context(self) -> None:
        """Show the usage of the task on screen in the context panel (when it is open)."""
        panel = self.query_one(ContextPanel)
        thread = self.threads.get(self.current or "")
        if thread is None or not panel.display:
            return
        usage = self.usage.setdefault(thread.task_id, TaskUsage(model=thread.model))
        window = context_window(thread.model, self.local_n_ctx)
        panel.show(thread.title_text, thread.status, usage, window)

    # -- actions -------------------------------------------------------------------------
    def action_new_task(self) -> None:
        """Back to the dashboard; the next prompt starts a new task."""
        self.show("dashboard")
        self.query_one(Composer).prompt.focus()

    def action_toggle_context(self) -> None:
        """Show or hide the context panel."""
        panel = self.query_one(ContextPanel)
        panel.display = not panel.display
        self.update_context()

    def action_toggle_sidebar(self) -> None:
        """Show or hide the sidebar."""
        sidebar = self.query_one(Sidebar)
        sidebar.display = not sidebar.display
        self._sidebar_forced = sidebar.display

    @work(group="picker", exclusive=True)
    async def action_pick_model(self) -> None:
        """Open the model picker."""
        from aura_cli.tui.screens.model_picker import ModelPicker

        try:
            choices = await self.aura.backend.model_choices(self.model)
        except AuraError as exc:
            self.notify(exc.message, severity="error")
            return

        def chosen(model_id: str | None) -> None:
            if model_id:
                self.set_model(model_id)

        self.app.push_screen(ModelPicker(choices, self.model), chosen)

    @work(group="model")
    async def set_model(self, model_id: str, make_default: bool = False) -> None:
        """Use ``model_id`` for new tasks in this session (checked by the backend first).

        Args:
            model_id: ``provider:model``.
            make_default: also write it as the ``model`` setting.
        """
        backend = self.aura.backend
        try:
            await backend.check_model(model_id)
            if make_default:
                await backend.set_setting("model", model_id)
        except AuraError as exc:
            self.notify(exc.message, severity="error")
            return
        self.model = model_id
        self._set_composer_status()
        self.notify(f"model: {model_id}")
        if make_default:
            self.action_show_view("models")

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
        thread = self.threads.get(self.current or "")
        if thread is not None and thread.status == "running":
            self.cancel_task(thread.task_id)
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
            self.follow_up(thread, event.text)

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
        elif name == "compact":
            self.compact_task()
        elif name == "clear" and self.current in self.threads:
            self.threads[self.current].run_worker(self.threads[self.current].clear())
        elif name == "attach":
            path = (self.project / argument).expanduser() if argument else None
            if path is None or not path.is_file():
                self.notify(f"no such file: {argument or '(none given)'}", severity="error")
            else:
                self.query_one(Composer).attach(path.resolve())

    # -- views' messages -----------------------------------------------------------------
    def on_task_list_action(self, event: TaskList.Action) -> None:
        if event.action == "open":
            self.open_task(event.task_id)
        elif event.action == "resume":
            self.resume_task(event.task_id)
        elif event.action == "delete":
            self.delete_task(event.task_id)

    def on_models_view_chosen(self, event: ModelsView.Chosen) -> None:
        if event.model_id.endswith(":"):
            self.action_pick_model()
            return
        self.set_model(event.model_id, make_default=True)

    @work(group="settings")
    async def on_settings_view_changed(self, event: SettingsView.Changed) -> None:
        try:
            await self.aura.backend.set_setting(event.key, event.value)
            await self._fill_settings()
        except AuraError as exc:
            self.notify(exc.message, severity="error")
            return
        self.notify(f"{event.key} updated")
