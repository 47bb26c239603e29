"""The model's reasoning, in a block that starts collapsed."""

from __future__ import annotations

from textual.widgets import Collapsible, Static

__all__ = ["ThinkingBlock"]


class ThinkingBlock(Collapsible):
    """Collapsed by default; the title shows how much reasoning it holds."""

    DEFAULT_CSS = """
    ThinkingBlock { margin: 0 0 1 0; border: none; padding: 0; background: transparent; }
    ThinkingBlock .thinking-text { color: $text-muted; text-style: italic; padding: 0 1; }
    """

    def __init__(self) -> None:
        self._body = Static("", classes="thinking-text", markup=False)
        super().__init__(self._body, title="Thinking", collapsed=True)
        #: The reasoning text so far.
        self.text = ""

    def append(self, fragment: str) -> None:
        """Add streamed reasoning text.

        Args:
            fragment: the next piece.
        """
        self.text += fragment
        self._body.update(self.text)
        self.title = f"Thinking · {len(self.text.split())} words"
