"""The left sidebar: navigation and the most recent tasks with their status."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from aura_core.tasks import TaskRecord

__all__ = ["STATUS_ICONS", "Sidebar", "View"]

View = Literal["dashboard", "tasks", "usage", "models", "settings"]
_VIEWS: tuple[tuple[View, str], ...] = (
    ("dashboard", "◆ Dashboard"),
    ("tasks", "☰ Tasks"),
    ("usage", "▤ Usage"),
    ("models", "◎ Models"),
    ("settings", "⚙ Settings"),
)
#: One glyph per task status.
STATUS_ICONS = {
    "pending": "○",
    "executing": "◐",
    "completed": "✓",
    "failed": "✗",
    "interrupted": "■",
}


class Sidebar(Vertical):
    """Navigation on top, recent tasks below; the workspace hides it on narrow terminals."""

    DEFAULT_CSS = """
    Sidebar { width: 28; border-right: vkey $panel-lighten-2; }
    Sidebar > .heading { color: $text-muted; text-style: bold; padding: 1 1 0 1; }
    Sidebar OptionList { border: none; background: transparent; height: auto; }
    Sidebar #recent { height: 1fr; }
    """

    class Navigate(Message):
        """The user picked a view."""

        def __init__(self, view: View) -> None:
            super().__init__()
            self.view = view

    class OpenTask(Message):
        """The user picked a recent task."""

        def __init__(self, task_id: str) -> None:
            super().__init__()
            self.task_id = task_id

    def compose(self) -> ComposeResult:
        yield OptionList(*(Option(label, id=view) for view, label in _VIEWS), id="nav")
        yield Static("Recent tasks", classes="heading")
        yield OptionList(id="recent")

    def set_tasks(self, records: Sequence[TaskRecord]) -> None:
        """Show these tasks (newest first) under "Recent tasks".

        Args:
            records: the tasks to list.
        """
        recent = self.query_one("#recent", OptionList)
        recent.clear_options()
        for record in records:
            icon = STATUS_ICONS.get(record.status, "?")
            recent.add_option(Option(f"{icon} {record.title[:22]}", id=record.id))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        option_id = event.option.id or ""
        if event.option_list.id == "nav":
            self.post_message(self.Navigate(option_id))  # type: ignore[arg-type]
        else:
            self.post_message(self.OpenTask(option_id))
