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
        self._show_title()

    def on_mount(self) -> None:
        # A title set while the block was still mounting can be overwritten by the title
        # widget's own initialisation: set it again once everything is on screen.
        self.call_after_refresh(self._show_title)

    def _show_title(self) -> None:
        label = f"Thinking · {len(self.text.split())} words" if self.text else "Thinking"
        self.title = label
        self._title.label = label
        if self._title.is_mounted:
            # Setting an unchanged label does not repaint; a label set while the title was
            # mounting may not have been painted: paint it now.
            self._title._update_label()
