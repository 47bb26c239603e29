"""A finished stretch of a long answer, kept as the lines it rendered to: one cheap widget."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Markdown

__all__ = ["FrozenMarkdown", "freeze"]


class FrozenMarkdown(Widget):
    """Shows the captured lines of a Markdown widget that will not change any more.

    A Markdown widget is a tree of block widgets that Textual lays out again on every reflow;
    a long answer has thousands of them. Once a segment is finished it is swapped for this
    single widget, which looks the same (the lines are the ones the blocks rendered) and
    costs one line lookup per row.

    Consecutive frozen segments are merged into one widget (`extend`), so however long the
    answer grows the message holds one frozen widget and one live segment.

    Args:
        source: the Markdown it shows (kept so it can be rendered again at another width).
        strips: the rendered lines.
        width: the width they were rendered at.
    """

    DEFAULT_CSS = "FrozenMarkdown { width: 1fr; height: auto; }"

    class Thaw(Message):
        """The width changed: render the Markdown again (posted to the parent)."""

        def __init__(self, frozen: FrozenMarkdown) -> None:
            super().__init__()
            self.frozen = frozen

    def __init__(self, source: str, strips: list[Strip], width: int) -> None:
        super().__init__()
        #: The Markdown of each merged segment, in order.
        self.pieces = [source]
        self.width = width
        # Lines are kept as (text, style number) pairs: tuples of str and int are not tracked
        # by the garbage collector, so a long answer does not make every collection slower
        # (Strip objects would be thousands of tracked objects per screenful).
        self._styles: list[Style | None] = []
        self._style_numbers: dict[Style | None, int] = {}
        self._lines: list[tuple[tuple[str, int], ...]] = [self._pack(s) for s in strips]

    def _pack(self, strip: Strip) -> tuple[tuple[str, int], ...]:
        numbers = self._style_numbers
        packed = []
        for text, style, _control in strip:
            number = numbers.get(style)
            if number is None:
                number = numbers[style] = len(self._styles)
                self._styles.append(style)
            packed.append((text, number))
        return tuple(packed)

    @property
    def source(self) -> str:
        """All the Markdown this widget shows."""
        return "".join(self.pieces)

    def extend(self, other: FrozenMarkdown) -> None:
        """Append another frozen segment (rendered at the same width) below this one.

        Args:
            other: the segment that follows.
        """
        self.pieces.extend(other.pieces)
        styles = other._styles
        for line in other._lines:
            self._lines.append(self._pack(Strip([Segment(t, styles[n]) for t, n in line])))
        self.refresh(layout=True)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines)

    def render_line(self, y: int) -> Strip:
        if 0 <= y < len(self._lines):
            styles = self._styles
            return Strip([Segment(t, styles[n]) for t, n in self._lines[y]], self.width)
        return Strip.blank(self.size.width)

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width and event.size.width != self.width:
            self.post_message(self.Thaw(self))


def freeze(markdown: Markdown) -> FrozenMarkdown | None:
    """Capture a laid-out Markdown widget as a `FrozenMarkdown`.

    Args:
        markdown: a mounted Markdown widget that the screen has laid out.

    Returns:
        The frozen copy, or None when the widget is not on screen's layout (hidden, not yet
        laid out) or this Textual version cannot capture it.
    """
    try:
        # Textual's compositor renders any widget subtree to lines; it is what the screen
        # uses, so the frozen lines are exactly what the live blocks showed.
        from textual._compositor import Compositor

        size = markdown.region.size
        if not size.width or not size.height:
            return None
        compositor = Compositor()
        compositor.reflow(markdown, size)
        strips = compositor.render_strips(size)
    except Exception:  # noqa: BLE001 — a private API: any failure just keeps the live widget
        return None
    if len(strips) != size.height:
        return None
    return FrozenMarkdown(markdown.source, strips, size.width)
