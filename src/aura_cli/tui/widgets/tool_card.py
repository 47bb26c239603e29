"""A collapsible card for one tool call: name, status, duration, input and output."""

from __future__ import annotations

import json
from typing import Literal

from textual.containers import VerticalScroll
from textual.widgets import Collapsible, Static

__all__ = ["Status", "ToolCard"]

Status = Literal["running", "waiting", "ok", "error"]

_SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"


class ToolCard(Collapsible):
    """Shows a spinner while the tool runs (⏸ while it waits for approval), then ✓ or ✗.

    Args:
        call_id: the tool call's id (results are matched on it).
        name: the tool's name.
        arguments: the call's input.
    """

    DEFAULT_CSS = """
    ToolCard { margin: 0 0 1 0; padding: 0; border: round $panel-lighten-2; }
    ToolCard.-ok { border: round $success 60%; }
    ToolCard.-error { border: round $error; }
    ToolCard.-waiting { border: round $warning; }
    ToolCard .tool-label { color: $text-muted; text-style: bold; }
    ToolCard .tool-io { max-height: 14; height: auto; background: $boost; padding: 0 1; }
    """

    def __init__(self, call_id: str, name: str, arguments: object) -> None:
        self.call_id = call_id
        self.name_ = name
        self._output = Static("…", markup=False)
        super().__init__(
            Static("input", classes="tool-label"),
            VerticalScroll(
                Static(json.dumps(arguments, indent=2, ensure_ascii=False), markup=False),
                classes="tool-io",
            ),
            Static("output", classes="tool-label"),
            VerticalScroll(self._output, classes="tool-io"),
            title=f"{_SPINNER[0]} {name}",
            collapsed=True,
        )
        #: ``running``, ``waiting`` (for approval), ``ok`` or ``error``.
        self.status: Status = "running"
        self._frame = 0

    def on_mount(self) -> None:
        if self.status in ("running", "waiting"):
            self._timer = self.set_interval(0.1, self._spin)

    def _spin(self) -> None:
        if self.status != "running":
            return
        self._frame = (self._frame + 1) % len(_SPINNER)
        self.title = f"{_SPINNER[self._frame]} {self.name_}"

    def wait_for_approval(self) -> None:
        """Show that the call is held until the user approves or denies it."""
        if self.status != "running":
            return
        self.status = "waiting"
        self.add_class("-waiting")
        self.title = f"⏸ {self.name_} · waiting for approval"

    def approval_decided(self, decision: str) -> None:
        """Leave the waiting state once the call was approved or denied.

        Args:
            decision: ``once``, ``always`` or ``deny``.
        """
        if self.status != "waiting":
            return
        self.remove_class("-waiting")
        if decision == "deny":
            self.status = "error"
            self.add_class("-error")
            self.title = f"✗ {self.name_} · denied"
        else:
            self.status = "running"
            self.title = f"{_SPINNER[self._frame]} {self.name_}"

    def finish(self, content: str, is_error: bool, duration_ms: float | None) -> None:
        """Show the result.

        Args:
            content: the tool's output (as the event carries it).
            is_error: whether the tool failed.
            duration_ms: how long it ran.
        """
        self.status = "error" if is_error else "ok"
        self.remove_class("-waiting")
        if hasattr(self, "_timer"):
            self._timer.stop()
        self.add_class(f"-{self.status}")
        mark = "✗" if is_error else "✓"
        took = f" · {_duration(duration_ms)}" if duration_ms is not None else ""
        self.title = f"{mark} {self.name_}{took}"
        self._output.update(content or "(no output)")


def _duration(ms: float) -> str:
    return f"{ms:.0f} ms" if ms < 1000 else f"{ms / 1000:.1f} s"
