"""The tool-approval dialog: approve once, always for this tool, or deny."""

from __future__ import annotations

import json

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from aura_cli.tui.approver import Decision

__all__ = ["ApprovalScreen"]


class ApprovalScreen(ModalScreen[Decision]):
    """Asks whether a tool call may run; dismisses with the `Decision`.

    Args:
        tool_name: the tool the model wants to call.
        arguments: the call's arguments.
    """

    CSS_PATH = "approval.tcss"
    BINDINGS = [
        Binding("y", "decide('once')", "Approve once"),
        Binding("a", "decide('always')", "Always"),
        Binding("n,escape", "decide('deny')", "Deny"),
    ]

    def __init__(self, tool_name: str, arguments: dict[str, object]) -> None:
        super().__init__()
        self.tool_name = tool_name
        self.arguments = arguments

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(f"Allow the agent to run [b]{self.tool_name}[/b]?", id="question")
            with VerticalScroll(id="arguments"):
                yield Static(json.dumps(self.arguments, indent=2, ensure_ascii=False), markup=False)
            with Horizontal(id="buttons"):
                yield Button("Approve once [y]", id="once", variant="success")
                yield Button(f"Always for {self.tool_name} [a]", id="always", variant="primary")
                yield Button("Deny [n]", id="deny", variant="error")

    def on_mount(self) -> None:
        self.query_one("#once", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id)  # type: ignore[arg-type]

    def action_decide(self, decision: Decision) -> None:
        """Close the dialog with ``decision``."""
        self.dismiss(decision)
