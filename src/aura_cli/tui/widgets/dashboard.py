"""The home view: greeting, dependency banners, quick actions and recent tasks."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import Grid, VerticalScroll
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from aura_cli.tui.quick_actions import QUICK_ACTIONS
from aura_cli.tui.widgets.quick_action import QuickAction
from aura_cli.tui.widgets.sidebar import STATUS_ICONS, Sidebar
from aura_core.tasks import TaskRecord

__all__ = ["Dashboard", "greeting_for"]


def greeting_for(hour: int) -> str:
    """A greeting for the hour of the day.

    Args:
        hour: 0..23.
    """
    if 5 <= hour < 12:
        return "Good morning"
    if 12 <= hour < 18:
        return "Good afternoon"
    return "Good evening"


class Dashboard(VerticalScroll):
    """Where the user lands; typing in the composer here starts a new task.

    Args:
        greeting: the greeting line.
        problems: dependency problems, one banner each.
    """

    DEFAULT_CSS = """
    Dashboard { padding: 0 2; }
    Dashboard > #greeting { text-style: bold; padding: 1 0; }
    Dashboard > .banner { background: $warning 20%; color: $text; border-left: wide $warning;
                          padding: 0 1; margin-bottom: 1; }
    Dashboard > .heading { color: $text-muted; text-style: bold; margin-top: 1; }
    Dashboard > Grid { grid-size: 4; grid-gutter: 0 1; height: auto; grid-rows: 4; }
    Dashboard > #dash-recent { height: auto; max-height: 12; border: none; }
    """

    def __init__(self, greeting: str, problems: Sequence[str] = (), *, id: str | None = None):
        super().__init__(id=id)
        self.greeting = greeting
        self.problems = tuple(problems)

    def compose(self) -> ComposeResult:
        yield Static(self.greeting + " — what shall we work on?", id="greeting")
        for problem in self.problems:
            yield Static(f"⚠ {problem}", classes="banner", markup=False)
        yield Static("Quick actions", classes="heading")
        with Grid():
            for spec in QUICK_ACTIONS:
                yield QuickAction(spec)
        yield Static("Recent tasks", classes="heading")
        yield OptionList(id="dash-recent")

    def on_resize(self) -> None:
        self.query_one(Grid).styles.grid_size_columns = 2 if self.size.width < 70 else 4

    def set_tasks(self, records: Sequence[TaskRecord]) -> None:
        """Show the most recent tasks.

        Args:
            records: newest first.
        """
        recent = self.query_one("#dash-recent", OptionList)
        recent.clear_options()
        if not records:
            recent.add_option(Option("No tasks yet: type below and press Enter.", disabled=True))
        for record in records:
            icon = STATUS_ICONS.get(record.status, "?")
            recent.add_option(
                Option(f"{icon} {record.title}  [dim]{record.status}[/]", id=record.id)
            )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(Sidebar.OpenTask(event.option.id))
