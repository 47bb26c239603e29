"""The thread of one task: user prompts, streamed answers, thinking, tool cards, errors."""

from __future__ import annotations

import re
from pathlib import Path

from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Rule, Static

from aura_cli.tui import gc_policy
from aura_cli.tui.widgets.message import ChatMessage
from aura_cli.tui.widgets.thinking_block import ThinkingBlock
from aura_cli.tui.widgets.tool_card import ToolCard
from aura_core.events import Event

__all__ = ["Thread", "split_attachments"]

_ATTACHMENT = re.compile(r"\n*<attachment path=\"([^\"]*)\">\n.*?\n</attachment>", re.S)
_STATUS_MARK = {"completed": "✓ completed", "failed": "✗ failed", "interrupted": "■ interrupted"}


def split_attachments(content: str) -> tuple[str, tuple[Path, ...]]:
    """Separate a stored user message from the attachment blocks the engine appended.

    Args:
        content: the message as stored in the transcript.

    Returns:
        The typed text and the attached paths.
    """
    paths = tuple(Path(m.group(1)) for m in _ATTACHMENT.finditer(content))
    return _ATTACHMENT.sub("", content).rstrip(), paths


class Thread(VerticalScroll):
    """Turns one task's events into widgets; stays scrolled to the end while it streams.

    Args:
        task_id: the task this thread shows.
        title: shown at the top.
    """

    DEFAULT_CSS = """
    Thread { padding: 0 1; }
    Thread > .thread-title { text-style: bold; color: $text-muted; margin-bottom: 1; }
    Thread > .error { color: $error; margin-bottom: 1; }
    Thread > .notice { color: $text-muted; margin-bottom: 1; }
    Thread > .done { color: $text-muted; text-style: italic; margin-bottom: 1; }
    Thread > .done.-completed { color: $success; }
    Thread > .done.-failed { color: $error; }
    Thread > .done.-interrupted { color: $warning; }
    """

    def __init__(self, task_id: str, title: str = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.task_id = task_id
        self.title_text = title
        #: Status of the latest run: ``idle``, ``running`` or the final status.
        self.status = "idle"
        self._tail: Widget | None = None
        self._cards: dict[str, ToolCard] = {}
        self._queued_users: list[str] = []
        self._runs = 0
        #: The ``seq`` of the last event shown.
        self.seq = -1
        #: The task's model (shown in the context panel).
        self.model = ""

    def on_mount(self) -> None:
        if self.title_text:
            self.mount(Static(self.title_text, classes="thread-title", markup=False))
        self.anchor()

    @property
    def answer(self) -> str:
        """All assistant text on screen (what tests and exports read)."""
        return "".join(m.text for m in self.query(ChatMessage) if m.role == "assistant")

    def queue_user_messages(self, contents: list[str]) -> None:
        """Stored user messages to show at the start of each replayed run.

        Args:
            contents: the transcript's user messages, in order.
        """
        self._queued_users = list(contents)

    async def add_user(self, text: str, attachments: tuple[Path, ...] = ()) -> None:
        """Show a prompt the user just sent.

        Args:
            text: the prompt.
            attachments: attached files (shown as chips).
        """
        await self.end_stream()
        await self._mount(ChatMessage("user", text, attachments))

    async def add_notice(self, text: str, kind: str = "notice") -> None:
        """Show a one-line notice (``notice`` or ``error``).

        Args:
            text: the line.
            kind: its CSS class.
        """
        await self.end_stream()
        await self._mount(Static(text, classes=kind, markup=False))

    async def clear(self) -> None:
        """Remove everything shown (the stored task is untouched)."""
        await self.end_stream()
        await self.remove_children()
        self._tail = None
        self._cards.clear()

    async def apply(self, event: Event) -> None:
        """Render one event.

        Args:
            event: the next event of this thread's task.
        """
        data = event.data
        kind = event.type
        if kind == "text":
            tail = self._tail
            if not (isinstance(tail, ChatMessage) and tail.role == "assistant"):
                await self.end_stream()
                tail = ChatMessage("assistant")
                await self._mount(tail)
            tail.append(str(data.get("text", "")))
        elif kind == "thinking":
            tail = self._tail
            if not isinstance(tail, ThinkingBlock):
                await self.end_stream()
                tail = ThinkingBlock()
                await self._mount(tail)
            tail.append(str(data.get("text", "")))
        elif kind == "tool_use":
            await self.end_stream()
            card = ToolCard(str(data.get("id")), str(data.get("name")), data.get("arguments"))
            self._cards[card.call_id] = card
            await self._mount(card)
        elif kind == "tool_result":
            card = self._cards.get(str(data.get("id")))
            if card is None:
                card = ToolCard(str(data.get("id")), str(data.get("name")), {})
                await self._mount(card)
            duration = data.get("duration_ms")
            card.finish(
                str(data.get("content", "")),
                bool(data.get("is_error")),
                float(duration) if isinstance(duration, int | float) else None,
            )
        elif kind == "plan":
            await self.end_stream()
            await self._mount(ChatMessage("plan", str(data.get("text", ""))))
        elif kind == "status":
            await self._on_status(event)
        elif kind == "role":
            await self.end_stream()
            await self._mount(Rule(line_style="heavy"))
            await self._mount(Static(f"role: {data.get('role')}", classes="notice"))
        elif kind == "approval":
            decision = data.get("decision")
            card = self._cards.get(str(data.get("id")))
            if card is None:
                await self.add_notice(f"approval for {data.get('tool')}: {decision or 'waiting'}")
            elif decision is None:
                card.wait_for_approval()
            else:
                card.approval_decided(str(decision))
        elif kind == "error":
            await self.add_notice(
                f"error [{data.get('code', 'ERROR')}]: {data.get('message')}", "error"
            )
        elif kind == "done":
            await self.end_stream()
            gc_policy.release()
            self.status = str(data.get("status", "failed"))
            label = _STATUS_MARK.get(self.status, self.status)
            if data.get("reason"):
                label += f" ({data.get('reason')})"
            await self._mount(Static(label, classes=f"done -{self.status}", markup=False))

    async def _on_status(self, event: Event) -> None:
        data = event.data
        if data.get("message"):
            await self.add_notice(str(data["message"]))
        if "model" not in data:
            return
        # The start of a run: a replay shows the user message that started it.
        first = self._runs == 0
        self._runs += 1
        previous = self.status
        self.status = "running"
        if first or previous == "completed":
            if self._queued_users:
                text, paths = split_attachments(self._queued_users.pop(0))
                await self.add_user(text, paths)
        elif previous in ("failed", "interrupted"):
            await self.add_notice(f"— resumed on {data.get('model')} —")

    async def _mount(self, widget: Widget) -> None:
        self._tail = widget
        await self.mount(widget)

    async def end_stream(self) -> None:
        """Show everything still buffered in the streamed answer."""
        if isinstance(self._tail, ChatMessage):
            await self._tail.finish()
