"""A context-window bar: green, yellow from 50 %, red from 80 %; and K/M token formatting."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

__all__ = ["UsageBar", "format_tokens", "usage_level"]


def format_tokens(count: float) -> str:
    """Tokens with a K/M suffix (``950``, ``12.3K``, ``1.2M``).

    Args:
        count: the number of tokens.
    """
    if count >= 1_000_000:
        return f"{count / 1_000_000:.1f}M"
    if count >= 1_000:
        return f"{count / 1_000:.1f}K"
    return f"{count:.0f}"


def usage_level(fraction: float) -> str:
    """The bar's colour class for a used fraction: ``ok``, ``warn`` (≥ 50 %) or ``high`` (≥ 80 %).

    Args:
        fraction: used / available, 0..1 (or more).
    """
    if fraction >= 0.8:
        return "high"
    if fraction >= 0.5:
        return "warn"
    return "ok"


_COLOURS = {"ok": "green", "warn": "yellow", "high": "red"}


class UsageBar(Widget):
    """Shows ``used / window`` as a coloured bar with the percentage."""

    DEFAULT_CSS = "UsageBar { height: 1; }"

    used: reactive[int] = reactive(0)
    window: reactive[int] = reactive(4096)

    def render(self) -> Text:
        fraction = self.used / self.window if self.window else 0.0
        level = usage_level(fraction)
        label = f" {fraction * 100:3.0f}%"
        width = max(4, self.size.width - len(label))
        filled = min(width, round(fraction * width))
        bar = Text("█" * filled, style=_COLOURS[level])
        bar.append("░" * (width - filled), style="dim")
        bar.append(label)
        return bar

    def watch_used(self) -> None:
        for level in _COLOURS:
            self.set_class(False, f"-{level}")
        self.add_class(f"-{self.level}")

    @property
    def level(self) -> str:
        """The current colour class (``ok``, ``warn``, ``high``)."""
        return usage_level(self.used / self.window if self.window else 0.0)
