"""Stream 5,000 Markdown chunks through the TUI thread headless; print the slowdown ratio.

Prints the time of the last 1,000 chunks divided by the first 1,000 (target ≤ 1.5: appending
stays linear, no quadratic re-render) and the keystroke-to-echo latency in the composer while
the answer streams (target: median well under 50 ms).

Chunks are fed as fast as the thread takes them; every 50 chunks the producer waits for the
app to catch up (render everything), so a block's time is the real cost of showing it. A
second task types a key every 100 ms meanwhile and measures the time from the key event
reaching the app to the character being in the text area and painted (the next screen
refresh). Run: ``python bench/tui_stream.py`` (``BENCH_CHUNKS=1000`` for a quick run).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time

from textual import events
from textual.app import App, ComposeResult
from textual.widgets import TextArea

from aura_cli.tui.widgets.thread import Thread
from aura_core.events import Event

CHUNKS = int(os.environ.get("BENCH_CHUNKS", "5000"))
BLOCK = CHUNKS // 5
KEY_EVERY = 0.1
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


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


async def type_keys(app: Bench, typing: TextArea, stop: asyncio.Event, out: list[float]) -> None:
    """Type ``k`` every `KEY_EVERY` seconds; record keystroke-to-echo times in ms."""
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        await asyncio.sleep(KEY_EVERY)
        before = len(typing.text)
        painted: asyncio.Future[None] = loop.create_future()
        t0 = time.perf_counter()
        key = events.Key("k", "k")
        key.set_sender(app)
        assert app._driver is not None
        app._driver.send_message(key)
        while len(typing.text) == before:
            await asyncio.sleep(0.0005)  # polling the app's state, not a timing assumption
        typing.call_after_refresh(_resolve, painted)
        await painted
        out.append((time.perf_counter() - t0) * 1000)


async def main() -> None:
    app = Bench()
    async with app.run_test(size=(120, 40)) as pilot:
        thread = app.query_one(Thread)
        typing = app.query_one(TextArea)
        typing.focus()
        await thread.apply(Event("status", "bench", 0, {"status": "executing", "model": "x"}))
        block_times: list[float] = []
        block_cpu: list[float] = []
        echo_ms: list[float] = []
        stop = asyncio.Event()
        typist = asyncio.create_task(type_keys(app, typing, stop, echo_ms))
        started = time.perf_counter()
        cpu_started = time.process_time()
        total = time.perf_counter()
        for i in range(CHUNKS):
            text = PIECES[i % len(PIECES)].format(i=i)
            await thread.apply(Event("text", "bench", i + 1, {"text": text}))
            if i % 50 == 49:
                await pilot.pause()
            if (i + 1) % BLOCK == 0:
                now, cpu_now = time.perf_counter(), time.process_time()
                block_times.append(now - started)
                block_cpu.append(cpu_now - cpu_started)
                print(
                    f"{i + 1} chunks: block {now - started:.2f}s "
                    f"(cpu {cpu_now - cpu_started:.2f}s)",
                    flush=True,
                )
                started, cpu_started = now, cpu_now
        stop.set()
        await typist
        await thread.apply(Event("done", "bench", CHUNKS + 1, {"status": "completed"}))
        await pilot.pause()
        total = time.perf_counter() - total
        widgets = len(list(thread.walk_children()))
    ratio = block_times[-1] / block_times[0]
    cpu_ratio = block_cpu[-1] / block_cpu[0]
    print(f"chunks: {CHUNKS}, per {BLOCK}: " + ", ".join(f"{t:.2f}s" for t in block_times))
    print(f"cpu per {BLOCK}: " + ", ".join(f"{t:.2f}s" for t in block_cpu))
    print(f"total {total:.1f}s ({total / CHUNKS * 1000:.2f} ms per chunk), {widgets} widgets")
    # Wall time swings with other load on the machine; CPU time of this process does not.
    print(
        f"last/first {BLOCK} chunks time ratio: {ratio:.2f} wall, {cpu_ratio:.2f} cpu "
        "(target <= 1.5)"
    )
    echo_ms.sort()
    p95 = echo_ms[int(len(echo_ms) * 0.95)]
    print(
        f"keystroke-to-echo while streaming: median {statistics.median(echo_ms):.1f} ms, "
        f"p95 {p95:.1f} ms, max {max(echo_ms):.1f} ms over {len(echo_ms)} keys"
    )


if __name__ == "__main__":
    asyncio.run(main())
