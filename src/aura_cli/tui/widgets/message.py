"""One message of the thread: the user's prompt or a streamed assistant answer."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Literal

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.timer import Timer
from textual.widgets import Markdown, Static

from aura_cli.tui import gc_policy
from aura_cli.tui.widgets.frozen_markdown import FrozenMarkdown, freeze

__all__ = ["FLUSH_INTERVAL", "SEGMENT_LINES", "ChatMessage", "safe_to_split"]

Role = Literal["user", "assistant", "plan"]

SEGMENT_LINES = 20
"""A streamed answer moves on to a new Markdown widget after this many lines (at a block end)."""

FLUSH_INTERVAL = 1 / 20
"""Streamed fragments are handed to the Markdown widget at most this often (seconds)."""

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})", re.M)


def safe_to_split(source: str) -> bool:
    """Whether Markdown can be cut after ``source`` without changing how either part renders.

    True at a blank line outside a fenced code block.

    Args:
        source: the Markdown so far (of the current segment).
    """
    return source.endswith("\n\n") and len(_FENCE.findall(source)) % 2 == 0


class ChatMessage(Vertical):
    """A message rendered as Markdown; streamed assistant text is appended in batches.

    Fragments are buffered and appended to the live Markdown widget (which re-parses only
    its last block) by a timer, one append at a time. A long answer is split
    across several Markdown widgets (one per ~`SEGMENT_LINES` lines); once a segment is
    finished and laid out it is swapped for a `FrozenMarkdown` (its rendered lines in one
    widget), so layout cost per chunk stays flat however long the answer grows.

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
        self._live: Markdown | None = None
        self._segment = ""
        self._segment_lines = 0
        self._finished: list[Markdown] = []
        self._pending: list[str] = []
        self._flush_timer: Timer | None = None
        self._lock = asyncio.Lock()
        self._swap_lock = asyncio.Lock()
        self._complete = False
        #: The text shown so far.
        self.text = text

    def compose(self) -> ComposeResult:
        if self.role == "plan":
            yield Static("Plan", classes="who")
        self._live = Markdown(self._initial)
        yield self._live
        if self.attachments:
            chips = "  ".join(f"📎 {p.name}" for p in self.attachments)
            yield Static(chips, classes="chips", markup=False)

    @property
    def segments(self) -> int:
        """How many pieces (live or frozen Markdown) the message is split across."""
        return len(self.query_children(Markdown)) + len(self.query_children(FrozenMarkdown))

    def append(self, fragment: str) -> None:
        """Add streamed text at the end; it is shown within `FLUSH_INTERVAL`.

        Never waits for rendering: fragments are buffered and handed to the live Markdown
        widget by a timer (in the timer's own task), so the event consumer stays fast.

        Args:
            fragment: the next piece of Markdown.
        """
        if not fragment:
            return
        self.text += fragment
        self._pending.append(fragment)
        if self._flush_timer is None:
            self._flush_timer = self.set_timer(FLUSH_INTERVAL, self._flush, name="flush")

    async def _flush(self) -> None:
        self._flush_timer = None
        async with self._lock:
            await self._write_pending()

    async def _write_pending(self) -> None:
        """Append buffered fragments to the live segment, moving on at block ends.

        Runs under ``_lock``. Each ``Markdown.append`` is awaited until its blocks are
        mounted, so a segment is complete (source and blocks) before it is frozen.
        """
        pending, self._pending = self._pending, []
        chunk = ""
        for fragment in pending:
            chunk += fragment
            self._segment += fragment
            self._segment_lines += fragment.count("\n")
            if self._segment_lines >= SEGMENT_LINES and safe_to_split(self._segment):
                await self._append_live(chunk)
                chunk = ""
                await self._next_segment()
        await self._append_live(chunk)

    async def _append_live(self, chunk: str) -> None:
        if chunk:
            assert self._live is not None
            await self._live.append(chunk)

    async def _next_segment(self) -> None:
        previous = self._live
        assert previous is not None
        self._finished.append(previous)
        self._live = Markdown()
        self._segment = ""
        self._segment_lines = 0
        await self.mount(self._live, after=previous)
        # Freeze once the screen has laid the finished segment out (never inline: the
        # stream's consumer must not wait for a render).
        self.call_after_refresh(self._freeze_finished)

    async def _freeze_finished(self) -> None:
        # Runs in the screen's task while thaws run in this widget's: one swap at a time,
        # or a thaw could copy a frozen widget's pieces just before a swap extends it.
        async with self._swap_lock:
            swapped = False
            for segment in list(self._finished):
                if not segment.is_attached:
                    self._finished.remove(segment)
                    continue
                frozen = freeze(segment)
                if frozen is None:
                    continue  # not laid out yet (or hidden): try again after the next segment
                await self._swap(segment, frozen)
                # Only now is it gone from the children: until then it counts as unfrozen.
                self._finished.remove(segment)
                swapped = True
            if swapped and not self._complete:
                gc_policy.settle()  # while streaming; the thread releases it at ``done``

    async def _swap(self, segment: Markdown, frozen: FrozenMarkdown) -> None:
        """Replace a finished segment by its frozen copy, merged with frozen neighbours."""
        index = self.children.index(segment)
        before = self.children[index - 1] if index else None
        if isinstance(before, FrozenMarkdown) and before.width == frozen.width:
            before.extend(frozen)
            frozen = before
        else:
            frozen.display = False
            await self.mount(frozen, before=segment)
        index = self.children.index(segment)
        after = self.children[index + 1] if index + 1 < len(self.children) else None
        # From here to the hiding of the segment there is no await, so no frame shows both
        # copies or neither.
        frozen.display = True
        merged = isinstance(after, FrozenMarkdown) and after.width == frozen.width
        if merged:
            frozen.extend(after)  # type: ignore[arg-type]  # a later segment froze first
            after.display = False  # type: ignore[union-attr]
        segment.display = False
        await segment.remove()
        if merged:
            await after.remove()  # type: ignore[union-attr]

    async def on_frozen_markdown_thaw(self, event: FrozenMarkdown.Thaw) -> None:
        event.stop()
        frozen = event.frozen
        async with self._swap_lock:
            if not frozen.is_attached or not frozen.display:
                return  # merged into another frozen widget meanwhile (which thaws itself)
            pieces = [Markdown(piece) for piece in frozen.pieces]
            self._finished.extend(pieces)
            for piece in pieces:
                piece.display = False
            await self.mount_all(pieces, before=frozen)
            for piece in pieces:
                piece.display = True
            frozen.display = False
            await frozen.remove()
        self.call_after_refresh(self._freeze_finished)

    async def finish(self) -> None:
        """Show every buffered fragment; the message is complete."""
        self._complete = True
        if self._flush_timer is not None:
            self._flush_timer.stop()
            self._flush_timer = None
        async with self._lock:
            await self._write_pending()
        if self._finished:
            self.call_after_refresh(self._freeze_finished)
