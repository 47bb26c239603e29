"""The composer's multi-line input: Enter sends, Shift+Enter newline, history, completion keys."""

from __future__ import annotations

from textual import events
from textual.message import Message
from textual.widgets import OptionList, TextArea

__all__ = ["NEWLINE_KEYS", "PromptArea"]

#: Keys that insert a newline. Many terminals send the same code for Enter and Shift+Enter,
#: so ctrl+j and alt+enter work everywhere.
NEWLINE_KEYS = ("shift+enter", "ctrl+j", "alt+enter")


class PromptArea(TextArea):
    """A TextArea that submits on Enter and walks the history with up/down at its edges.

    Up on the first line shows the previous prompt, down on the last line the next one. While
    a completion list is open, up/down move in it and Tab or Enter accepts.
    """

    DEFAULT_CSS = """
    PromptArea { height: auto; min-height: 3; max-height: 10; border: tall $accent 40%; }
    PromptArea:focus { border: tall $accent; }
    """

    class Submit(Message):
        """Enter was pressed: send the text."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Accept(Message):
        """Tab/Enter accepted the highlighted completion.

        Args:
            by_enter: Enter (not Tab) was pressed: a completion that changes nothing sends.
        """

        def __init__(self, by_enter: bool) -> None:
            super().__init__()
            self.by_enter = by_enter

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, soft_wrap=True, show_line_numbers=False, tab_behavior="focus")
        #: Sent prompts, oldest first (the prompt history).
        self.sent: list[str] = []
        self._history_index: int | None = None
        self._draft = ""
        #: The completion list while it is open (set by the composer).
        self.completion: OptionList | None = None

    def remember(self, text: str) -> None:
        """Add a sent prompt to the history.

        Args:
            text: the prompt.
        """
        if text and (not self.sent or self.sent[-1] != text):
            self.sent.append(text)
        self._history_index = None

    @property
    def browsing_history(self) -> bool:
        """Whether the text on screen is a recalled prompt (no completion pops up then)."""
        return self._history_index is not None

    async def _on_key(self, event: events.Key) -> None:
        if self._handle(event.key):
            event.stop()
            event.prevent_default()
            return
        await super()._on_key(event)

    def _handle(self, key: str) -> bool:
        if self.completion is not None and self.completion.display:
            if key in ("up", "down"):
                step = (
                    self.completion.action_cursor_down
                    if key == "down"
                    else (self.completion.action_cursor_up)
                )
                step()
                return True
            if key in ("tab", "enter"):
                self.post_message(self.Accept(key == "enter"))
                return True
            if key == "escape":
                self.completion.display = False
                return True
        if key == "enter":
            self.post_message(self.Submit(self.text))
            return True
        if key in NEWLINE_KEYS:
            self.insert("\n")
            return True
        row = self.cursor_location[0]
        if key == "up" and row == 0 and self.sent:
            self._walk(-1)
            return True
        if (
            key == "down"
            and row == self.document.line_count - 1
            and self._history_index is not None
        ):
            self._walk(1)
            return True
        return False

    def _walk(self, step: int) -> None:
        if self._history_index is None:
            self._draft = self.text
            index = len(self.sent)
        else:
            index = self._history_index
        index = max(0, min(len(self.sent), index + step))
        self._history_index = None if index == len(self.sent) else index
        self.text = self._draft if self._history_index is None else self.sent[index]
        self.move_cursor(self.document.end)
