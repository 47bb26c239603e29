"""Stream 5,000 Markdown chunks through the TUI thread headless; print the slowdown ratio.

Prints the time of the last 1,000 chunks divided by the first 1,000 (target ≤ 1.5: appending
stays linear, no quadratic re-render) and the keystroke-to-echo latency in the composer while
the answer streams. Run: ``python bench/tui_stream.py``.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time

from textual.app import App, ComposeResult
from textual.widgets import TextArea

from aura_cli.tui.widgets.thread import Thread
from aura_core.events import Event

CHUNKS = int(os.environ.get("BENCH_CHUNKS", "5000"))
BLOCK = CHUNKS // 5
PIECES = (
    "## Section {i}\n\n",
    "Some **bold** text and `code` ",
    "with a [link](https://x.y) ",
    "and more words. ",
    "\n\n- item {i}\n- another item\n\n",
    "```python\nprint({i})\n```\n\n",
    "| a | b |\n| --- | --- |\n| {i} | x |\n\n",
    "> a quote line\n\n",
    "1. first\n2. second\n\n",
    "Plain sentence number {i}. ",
)


class Bench(App[None]):
    """A thread and a text area, nothing else."""

    def compose(self) -> ComposeResult:
        yield Thread("bench", id="thread")
        yield TextArea(id="typing")


async def main() -> None:
    app = Bench()
    async with app.run_test(size=(120, 40)) as pilot:
        thread = app.query_one(Thread)
        typing = app.query_one(TextArea)
        typing.focus()
        await thread.apply(Event("status", "bench", 0, {"status": "executing", "model": "x"}))
        block_times: list[float] = []
        echo_ms: list[float] = []
        started = time.perf_counter()
        for i in range(CHUNKS):
            text = PIECES[i % len(PIECES)].format(i=i)
            await thread.apply(Event("text", "bench", i + 1, {"text": text}))
            if i % 50 == 0:
                await pilot.pause()
            if i % 250 == 125:
                before = len(typing.text)
                t0 = time.perf_counter()
                await pilot.press("k")
                while len(typing.text) == before:
                    await pilot.pause()
                echo_ms.append((time.perf_counter() - t0) * 1000)
            if (i + 1) % BLOCK == 0:
                await pilot.pause()
                now = time.perf_counter()
                block_times.append(now - started)
                print(f"{i + 1} chunks: block {now - started:.2f}s", flush=True)
                started = now
        await thread.apply(Event("done", "bench", CHUNKS + 1, {"status": "completed"}))
        await pilot.pause()
    ratio = block_times[-1] / block_times[0]
    print(f"chunks: {CHUNKS}, per {BLOCK}: " + ", ".join(f"{t:.2f}s" for t in block_times))
    print(f"last/first {BLOCK} chunks time ratio: {ratio:.2f} (target <= 1.5)")
    print(
        f"keystroke-to-echo while streaming: median {statistics.median(echo_ms):.1f} ms, "
        f"max {max(echo_ms):.1f} ms over {len(echo_ms)} keys"
    )


if __name__ == "__main__":
    asyncio.run(main())
