"""Render the event stream for plain terminals: answer on stdout, activity on stderr."""

from __future__ import annotations

import json
import sys
from typing import TextIO

from rich.console import Console
from rich.status import Status

from aura_core.events import Event

__all__ = ["JsonRenderer", "TextRenderer", "exit_code_for"]


def exit_code_for(status: str) -> int:
    """The process exit code for a task's final status."""
    return {"completed": 0, "interrupted": 130}.get(status, 1)


class JsonRenderer:
    """One event a line, exactly the SSE payload."""

    def __init__(self, out: TextIO | None = None) -> None:
        self.out = out or sys.stdout

    def __call__(self, event: Event) -> None:
        self.out.write(event.to_json() + "\n")
        self.out.flush()

    def close(self) -> None:
        """Nothing to clean up."""


class TextRenderer:
    """Streams answer text to stdout; tool activity and errors go to stderr.

    Rich decoration (spinner, coloured tool lines) appears only when stderr is a terminal, so
    a pipe receives the bare answer.
    """

    def __init__(self, *, verbose: bool = False, out: TextIO | None = None,
                 err: TextIO | None = None) -> None:
        self.out = out or sys.stdout
        self.err_stream = err or sys.stderr
        self.err = Console(file=self.err_stream, highlight=False)
        self.fancy = self.err.is_terminal
        self.verbose = verbose
        self._status: Status | None = None
        self._line_open = False
        self._in_thinking = False

    def _spin(self, text: str) -> None:
        if not self.fancy:
            return
        if self._status is None:
            self._status = self.err.status(text, spinner="dots")
            self._status.start()
        else:
            self._status.update(text)

    def _unspin(self) -> None:
        if self._status is not None:
            self._status.stop()
            self._status = None

    def _end_line(self) -> None:
        if self._line_open:
            self.out.write("\n")
            self.out.flush()
            self._line_open = False

    def __call__(self, event: Event) -> None:
        data = event.data
        kind = event.type
        if kind == "status" and data.get("status") == "executing":
            self._spin(f"Thinking… ({data.get('model', '')})" if data.get("model") else "Thinking…")
        elif kind == "text":
            self._unspin()
            self.out.write(str(data.get("text", "")))
            self.out.flush()
            self._line_open = True
        elif kind == "thinking":
            if self.verbose and self.fancy:
                self._unspin()
                self.err.print(str(data.get("text", "")), style="dim italic", end="")
        elif kind == "plan":
            self._unspin()
            self._end_line()
            if self.fancy:
                self.err.rule("Plan")
                self.err.print(str(data.get("text", "")))
                self.err.rule()
        elif kind == "tool_use":
            self._unspin()
            self._end_line()
            if self.fancy:
                args = json.dumps(data.get("arguments"), ensure_ascii=False)
                if len(args) > 120 and not self.verbose:
                    args = args[:117] + "…"
                self.err.print(f"[cyan]⚙ {data.get('name')}[/] [dim]{args}[/]")
                self._spin(f"Running {data.get('name')}…")
        elif kind == "tool_result":
            self._unspin()
            if self.fancy:
                mark = "[red]✗[/]" if data.get("is_error") else "[green]✓[/]"
                ms = data.get("duration_ms") or 0
                self.err.print(f"  {mark} {data.get('name')} [dim]{float(ms):.0f} ms[/]")
                if self.verbose or data.get("is_error"):
                    body = str(data.get("content", ""))
                    self.err.print(body if len(body) < 2000 else body[:2000] + "…",
                                   style="dim", markup=False, highlight=False)
            self._spin("Thinking…")
        elif kind == "error":
            self._unspin()
            self._end_line()
            self.err_stream.write(f"aura: error: {data.get('message')}\n")
            self.err_stream.flush()
        elif kind == "done":
            self._unspin()
            self._end_line()

    def close(self) -> None:
        """Stop the spinner and end the output line."""
        self._unspin()
        self._end_line()
