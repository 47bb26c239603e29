"""A dashboard card that starts a task with a ready-made prompt."""

from __future__ import annotations

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Static

from aura_cli.tui.quick_actions import QuickActionSpec

__all__ = ["QuickAction"]


class QuickAction(Static, can_focus=True):
    """Click it or press Enter on it to start its task.

    Args:
        spec: the card's category, label and prompt.
    """

    DEFAULT_CSS = """
    QuickAction { height: 4; border: round $panel-lighten-2; padding: 0 1; }
    QuickAction:hover, QuickAction:focus { border: round $accent; background: $boost; }
    """
    BINDINGS = [Binding("enter", "press", "Start", show=False)]

    class Pressed(Message):
        """The card was chosen."""

        def __init__(self, spec: QuickActionSpec) -> None:
            super().__init__()
            self.spec = spec

    def __init__(self, spec: QuickActionSpec) -> None:
        super().__init__(f"[b]{spec.category}[/b]\n[dim]{spec.label}[/dim]")
        self.spec = spec

    def on_click(self) -> None:
        self.action_press()

    def action_press(self) -> None:
        """Start the card's task."""
        self.post_message(self.Pressed(self.spec))
