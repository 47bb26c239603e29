"""The composer at the bottom: prompt input, attachments, mode and model line, completions."""

from __future__ import annotations

import re
from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import OptionList, Static, TextArea
from textual.widgets.option_list import Option

from aura_cli.tui.mentions import complete, mentioned_files, project_files
from aura_cli.tui.slash import SLASH_COMMANDS
from aura_cli.tui.widgets.prompt_area import PromptArea

__all__ = ["Composer"]

_FRAGMENT = re.compile(r"(?:^|\s)(@[^\s]*)$")


class Composer(Vertical):
    """Always at the bottom of the workspace; posts `Composer.Submitted` on Enter.

    Args:
        project: the project directory (``@file`` completion and attachments are relative
            to it).
    """

    DEFAULT_CSS = """
    Composer { height: auto; dock: bottom; padding: 0 1; }
    Composer > #completions { height: auto; max-height: 8; display: none; border: round $accent; }
    Composer > #composer-status { color: $text-muted; height: 1; }
    """

    class Submitted(Message):
        """The user sent a prompt (or a slash command)."""

        def __init__(self, text: str, attachments: tuple[Path, ...]) -> None:
            super().__init__()
            self.text = text
            self.attachments = attachments

    def __init__(self, project: Path, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.project = project
        #: Files attached with /attach (``@file`` mentions are added on send).
        self.attachments: list[Path] = []
        self._files: list[str] | None = None
        self._status = ("", "agent")
        self._fragment = ""

    def compose(self) -> ComposeResult:
        yield OptionList(id="completions")
        yield PromptArea(id="prompt")
        yield Static("", id="composer-status", markup=False)

    def on_mount(self) -> None:
        self.prompt.completion = self.query_one("#completions", OptionList)

    @property
    def prompt(self) -> PromptArea:
        """The text input."""
        return self.query_one(PromptArea)

    def set_status(self, model: str, mode: str) -> None:
        """Update the line under the input.

        Args:
            model: the model new prompts go to.
            mode: ``agent``, ``plan`` or ``chat``.
        """
        self._status = (model, mode)
        chips = "  ".join(f"📎 {p.name}" for p in self.attachments)
        line = f"{mode} · {model}" + (f" · {chips}" if chips else "")
        self.query_one("#composer-status", Static).update(
            line + "   enter send · shift/alt+enter or ctrl+j newline · / commands · @ files"
        )

    def attach(self, path: Path) -> None:
        """Attach a file to the next prompt.

        Args:
            path: an existing file.
        """
        if path not in self.attachments:
            self.attachments.append(path)
        self.set_status(*self._status)

    def on_prompt_area_submit(self, event: PromptArea.Submit) -> None:
        event.stop()
        text = event.text.strip()
        if not text:
            return
        files = list(self.attachments)
        if not text.startswith("/"):
            files += [p for p in mentioned_files(text, self.project) if p not in files]
        self.prompt.remember(text)
        self.prompt.text = ""
        self.attachments.clear()
        self.set_status(*self._status)
        self.post_message(self.Submitted(text, tuple(files)))

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        area = self.prompt
        row, col = area.cursor_location
        before = area.document.get_line(row)[:col]
        options = self.query_one("#completions", OptionList)
        found: list[tuple[str, str]] = []
        if area.browsing_history:
            pass
        elif row == 0 and re.fullmatch(r"/\w*", before):
            self._fragment = before
            found = [
                (f"/{name} ", f"/{name}  [dim]{doc}[/]")
                for name, doc in SLASH_COMMANDS.items()
                if name.startswith(before[1:])
            ]
        elif match := _FRAGMENT.search(before):
            self._fragment = match.group(1)
            if self._files is None:
                self._files = project_files(self.project)
            found = [(f"@{f} ", f"@{f}") for f in complete(self._files, self._fragment[1:])]
        options.clear_options()
        for value, label in found:
            options.add_option(Option(label, id=value))
        options.display = bool(found)
        if found:
            options.highlighted = 0

    def on_prompt_area_accept(self, event: PromptArea.Accept) -> None:
        event.stop()
        options = self.query_one("#completions", OptionList)
        if options.highlighted is None:
            return
        value = options.get_option_at_index(options.highlighted).id or ""
        if event.by_enter and value.strip() == self._fragment:
            # The command is already typed in full: Enter sends it.
            options.display = False
            self.prompt.post_message(PromptArea.Submit(self.prompt.text))
            return
        self._insert(value)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._insert(event.option.id or "")

    def _insert(self, value: str) -> None:
        area = self.prompt
        row, col = area.cursor_location
        area.replace(value, (row, col - len(self._fragment)), (row, col))
        self.query_one("#completions", OptionList).display = False
        area.focus()
