"""The context panel: live usage of the task on screen (tokens, cost, latency, context bar)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from aura_cli.tui.widgets.usage_bar import UsageBar, format_tokens
from aura_core.events import Event

__all__ = ["ContextPanel", "TaskUsage", "context_window"]

#: Context windows by provider when the model's own is unknown.
_PROVIDER_WINDOWS = {"anthropic": 200_000, "gemini": 1_000_000, "openai": 128_000}
_DEFAULT_CLOUD_WINDOW = 128_000


def context_window(model_id: str, local_n_ctx: int | None = None) -> int:
    """The context window to measure usage against.

    Args:
        model_id: ``provider:model``.
        local_n_ctx: the configured local context size (default 4096).
    """
    provider = model_id.partition(":")[0] if ":" in model_id else "local"
    if provider in ("local", "scripted"):
        return int(local_n_ctx or 4096)
    return _PROVIDER_WINDOWS.get(provider, _DEFAULT_CLOUD_WINDOW)


@dataclass(slots=True)
class TaskUsage:
    """Usage summed over a task's model calls, as its ``usage`` events report it."""

    model: str = ""
    provider: str = ""
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cost: float = 0.0
    ttft_ms: float | None = None
    last_input: int = 0
    calls: int = 0

    def add(self, event: Event) -> None:
        """Fold in one ``usage`` event.

        Args:
            event: a ``usage`` event.
        """
        data = event.data
        self.model = str(data.get("model") or self.model)
        self.provider = str(data.get("provider") or self.provider)
        self.input_tokens += int(data.get("input_tokens") or 0)  # type: ignore[arg-type]
        self.output_tokens += int(data.get("output_tokens") or 0)  # type: ignore[arg-type]
        self.cache_read_tokens += int(data.get("cache_read_tokens") or 0)  # type: ignore[arg-type]
        self.cost += float(data.get("cost") or 0.0)  # type: ignore[arg-type]
        ttft = data.get("ttft_ms")
        self.ttft_ms = float(ttft) if isinstance(ttft, int | float) else self.ttft_ms
        # The latest call's prompt is what currently fills the context window.
        self.last_input = int(data.get("input_tokens") or 0) + int(  # type: ignore[arg-type]
            data.get("output_tokens") or 0
        )  # type: ignore[arg-type]
        self.calls += 1


class ContextPanel(VerticalScroll):
    """Right-hand panel; hidden until toggled (ctrl+b)."""

    DEFAULT_CSS = """
    ContextPanel { width: 34; border-left: vkey $panel-lighten-2; padding: 0 1; }
    ContextPanel > .heading { text-style: bold; margin-top: 1; }
    ContextPanel > #usage-lines { color: $text; }
    """

    def compose(self) -> ComposeResult:
        yield Static("Task", classes="heading")
        yield Static("no task on screen", id="task-line", markup=False)
        yield Static("Context", classes="heading")
        yield UsageBar(id="context-bar")
        yield Static("", id="context-line")
        yield Static("Usage", classes="heading")
        yield Static("", id="usage-lines")

    def show(self, title: str, status: str, usage: TaskUsage, window: int) -> None:
        """Display a task's usage.

        Args:
            title: the task's title.
            status: its status.
            usage: its summed usage.
            window: the model's context window in tokens.
        """
        self.query_one("#task-line", Static).update(f"{title}\n{status}")
        bar = self.query_one(UsageBar)
        bar.window = window
        bar.used = usage.last_input
        self.query_one("#context-line", Static).update(
            f"{format_tokens(usage.last_input)} / {format_tokens(window)} tokens"
        )
        ttft = f"{usage.ttft_ms:.0f} ms" if usage.ttft_ms is not None else "–"
        lines = [
            f"Input     {format_tokens(usage.input_tokens)}",
            f"Output    {format_tokens(usage.output_tokens)}",
            f"Cache     {format_tokens(usage.cache_read_tokens)}",
            f"Cost      ${usage.cost:.4f}",
            f"TTFT      {ttft}",
            f"Model     {usage.model or '–'}",
            f"Provider  {usage.provider or '–'}",
            f"Calls     {usage.calls}",
        ]
        self.query_one("#usage-lines", Static).update("\n".join(lines))
