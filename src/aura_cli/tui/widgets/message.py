"""One message of the thread: the user's prompt or a streamed assistant answer."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Markdown, Static
from textual.widgets.markdown import MarkdownStream

__all__ = ["ChatMessage"]

Role = Literal["user", "assistant", "plan"]


class ChatMessage(Vertical):
    """A message rendered as Markdown; assistant text is appended through a `MarkdownStream`.

    Appending goes through Textual's stream, which batches fragments and re-parses only the
    last block, so a long answer streams in linear time.

    Args:
        role: who wrote it.
        text: the initial Markdown.
        attachments: files attached to a user message, shown as chips.
    """

    DEFAULT_CSS = """
    ChatMessage { height: auto; margin: 0 0 1 0; padding: 0 1; }
    ChatMessage.-user { background: $boost; border-left: wide $accent; margin-left: 8; }
    ChatMessage.-plan { border-left: wide $secondary; }
    ChatMessage > .chips { color: $text-muted; }
    ChatMessage > .who { color: $text-muted; text-style: bold; }
    ChatMessage Markdown { margin: 0; padding: 0; }
    """

    def __init__(self, role: Role, text: str = "", attachments: tuple[Path, ...] = ()) -> None:
        super().__init__(classes=f"-{role}")
        self.role = role
        self._initial = text
        self.attachments = attachments
        self._stream: MarkdownStream | None = None
        #: The text shown so far.
        self.text = text

    def compose(self) -> ComposeResult:
        if self.role == "plan":
            yield Static("Plan", classes="who")
        yield Markdown(self._initial)
        if self.attachments:
            chips = "  ".join(f"📎 {p.name}" for p in self.attachments)
            yield Static(chips, classes="chips", markup=False)

    async def append(self, fragment: str) -> None:
        """Add streamed text at the end.

        Args:
            fragment: the next piece of Markdown.
        """
        self.text += fragment
        if self._stream is None:
            self._stream = Markdown.get_stream(self.query_one(Markdown))
        await self._stream.write(fragment)

    async def finish(self) -> None:
        """Flush the stream; the message is complete."""
        if self._stream is not None:
            await self._stream.stop()
            self._stream = None
