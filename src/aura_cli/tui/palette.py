"""Command-palette entries (ctrl+p) for the workspace's main actions."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

__all__ = ["AuraCommands"]


class AuraCommands(Provider):
    """Every main action of the workspace, searchable by name."""

    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        from aura_cli.tui.screens.workspace import WorkspaceScreen

        screen = self.screen
        if not isinstance(screen, WorkspaceScreen):
            return []
        return [
            (
                "New task",
                "go to the dashboard; the next prompt starts a task",
                screen.action_new_task,
            ),
            ("Dashboard", "show the dashboard", partial(screen.action_show_view, "dashboard")),
            (
                "Tasks",
                "list, filter, open, resume and delete tasks",
                partial(screen.action_show_view, "tasks"),
            ),
            (
                "Models",
                "list models and choose the default",
                partial(screen.action_show_view, "models"),
            ),
            ("Settings", "view and edit settings", partial(screen.action_show_view, "settings")),
            ("Switch model", "pick the model for new tasks", screen.action_pick_model),
            ("Agent mode", "tools on", partial(screen.set_mode, "agent")),
            ("Plan mode", "plan first, then act", partial(screen.set_mode, "plan")),
            ("Chat mode", "answers only, no tools", partial(screen.set_mode, "chat")),
            ("Cancel task", "cancel the running task on screen", screen.action_cancel_task),
            ("Resume task", "resume the task on screen", screen.action_resume_task),
            ("Toggle context panel", "usage, tokens, cost", screen.action_toggle_context),
            ("Toggle sidebar", "navigation and recent tasks", screen.action_toggle_sidebar),
            ("Help", "slash commands and key bindings", screen.action_help),
        ]

    async def discover(self) -> Hits:
        """All commands, before anything is typed."""
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        """Commands whose name matches ``query``."""
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
