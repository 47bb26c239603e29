"""The Usage view: cost and tokens today and this month, a 14-day chart, and who spent it."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Sparkline, Static

__all__ = ["UsageView", "daily_chart"]

_BAR = 40


def _tokens(n: float) -> str:
    for size, suffix in ((1e6, "M"), (1e3, "K")):
        if n >= size:
            return f"{n / size:.1f}{suffix}"
    return str(int(n))


def _money(v: float) -> str:
    return f"${v:,.4f}" if v < 1 else f"${v:,.2f}"


def daily_chart(daily: list[dict[str, object]]) -> Text:
    """One bar a day, scaled to the busiest day, with its cost and tokens."""
    peak = max((float(d.get("cost") or 0) for d in daily), default=0.0)
    tokens_peak = max((float(d.get("input_tokens", 0)) + float(d.get("output_tokens", 0))
                       for d in daily), default=0.0)
    text = Text()
    for day in daily:
        cost = float(day.get("cost") or 0)
        tokens = float(day.get("input_tokens", 0)) + float(day.get("output_tokens", 0))
        share = cost / peak if peak else (tokens / tokens_peak if tokens_peak else 0.0)
        width = round(share * _BAR)
        text.append(f"{str(day['date'])[5:]} ", style="dim")
        text.append("█" * width, style="green")
        text.append("·" * (_BAR - width), style="dim")
        text.append(f" {_money(cost):>10}  {_tokens(tokens):>6} tok\n")
    return text


class UsageView(VerticalScroll):
    """Usage and cost at a glance; filled by the workspace from the backend's summary."""

    DEFAULT_CSS = """
    UsageView { padding: 1 2; }
    UsageView > .heading { text-style: bold; margin-top: 1; }
    UsageView > Sparkline { height: 3; margin: 0 0 1 0; }
    """

    def compose(self) -> ComposeResult:
        yield Static("Usage", classes="heading")
        yield Static("", id="usage-totals")
        yield Static("Cost per day, last 14 days", classes="heading")
        yield Sparkline([], id="usage-spark")
        yield Static("", id="usage-daily")
        yield Static("This month by provider and model", classes="heading")
        yield Static("", id="usage-breakdown")

    def set_summary(self, summary: dict[str, object]) -> None:
        """Show a summary (the ``aura usage --json`` document)."""
        today = summary.get("today") or {}
        month = summary.get("month") or {}
        totals = Text()
        for label, t in (("today", today), ("this month", month)):
            t = t if isinstance(t, dict) else {}
            totals.append(f"{label:>10}: ", style="dim")
            totals.append(f"{_money(float(t.get('cost') or 0))}", style="bold")
            totals.append(f"  ·  {_tokens(float(t.get('input_tokens') or 0))} in / "
                          f"{_tokens(float(t.get('output_tokens') or 0))} out  ·  "
                          f"{int(t.get('calls') or 0)} calls\n")
        self.query_one("#usage-totals", Static).update(totals)
        daily = [d for d in summary.get("daily") or [] if isinstance(d, dict)]
        self.query_one("#usage-spark", Sparkline).data = [
            float(d.get("cost") or 0) or float(d.get("output_tokens") or 0) for d in daily]
        self.query_one("#usage-daily", Static).update(daily_chart(daily))
        table = Table("by", "name", "cost", "tokens in", "tokens out", "calls", box=None)
        for kind in ("provider", "model"):
            groups = summary.get(f"by_{kind}") or {}
            for name, t in groups.items() if isinstance(groups, dict) else []:
                table.add_row(kind, str(name), _money(float(t.get("cost") or 0)),
                              _tokens(float(t.get("input_tokens") or 0)),
                              _tokens(float(t.get("output_tokens") or 0)), str(t.get("calls") or 0))
        self.query_one("#usage-breakdown", Static).update(table)
