"""Long streamed answers: split into segments, finished ones frozen, text never lost."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Markdown

from aura_cli.tui.widgets.frozen_markdown import FrozenMarkdown
from aura_cli.tui.widgets.message import ChatMessage, safe_to_split
from aura_cli.tui.widgets.thread import Thread
from aura_core.events import Event

PIECES = (
    "## Part {i}\n\n",
    "Some **bold** text and `code`. ",
    "\n\n- item {i}\n- another\n\n",
    "```python\nprint({i})\n```\n\n",
    "| a | b |\n| --- | --- |\n| {i} | x |\n\n",
)


class Host(App[None]):
    """Just a thread."""

    def compose(self) -> ComposeResult:
        yield Thread("t1", id="thread")


async def until(pilot: Pilot[None], check) -> None:  # type: ignore[no-untyped-def]
    for _ in range(300):
        if check():
            return
        await pilot.pause()
    raise AssertionError("condition never held")


def test_split_only_at_a_blank_line_outside_code() -> None:
    assert safe_to_split("para\n\n")
    assert not safe_to_split("para\n")
    assert not safe_to_split("```python\nx = 1\n\n")
    assert safe_to_split("```python\nx = 1\n```\n\n")


async def test_a_long_answer_stays_a_handful_of_widgets_and_keeps_every_word() -> None:
    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        thread = app.query_one(Thread)
        await thread.apply(Event("status", "t1", 0, {"status": "executing", "model": "x"}))
        expected = ""
        for i in range(200):
            text = PIECES[i % len(PIECES)].format(i=i)
            expected += text
            await thread.apply(Event("text", "t1", i + 1, {"text": text}))
            if i % 40 == 39:
                await pilot.pause()
        await thread.apply(Event("done", "t1", 201, {"status": "completed"}))
        message = thread.query_one(ChatMessage)
        await until(pilot, lambda: not message._finished)
        assert thread.answer == expected
        shown = "".join(
            str(child.source)  # type: ignore[attr-defined]
            for child in message.children
            if isinstance(child, FrozenMarkdown | Markdown)
        )
        assert shown == expected
        lines = [f.render_line(y).text for f in message.query(FrozenMarkdown) for y in range(999)]
        # Thousands of Markdown blocks would be hundreds of widgets; frozen, a few dozen.
        assert len(list(thread.walk_children())) < 60
        # The frozen lines are what the blocks showed: an early heading is on them.
        assert any("Part 100" in line for line in lines)


async def test_frozen_text_is_rendered_again_at_a_new_width() -> None:
    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        thread = app.query_one(Thread)
        for i in range(120):
            await thread.apply(Event("text", "t1", i, {"text": PIECES[i % 5].format(i=i)}))
        await thread.apply(Event("done", "t1", 200, {"status": "completed"}))
        message = thread.query_one(ChatMessage)
        await until(pilot, lambda: bool(message.query(FrozenMarkdown)) and not message._finished)
        await pilot.resize_terminal(70, 30)
        await until(
            pilot,
            lambda: (
                not message._finished
                and all(f.width == f.size.width for f in message.query(FrozenMarkdown))
                and bool(message.query(FrozenMarkdown))
            ),
        )
        assert thread.answer.startswith("## Part 0")


async def test_finished_text_is_exempt_from_gc_scans_only_while_the_answer_streams() -> None:
    import gc

    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        thread = app.query_one(Thread)
        message = None
        for i in range(120):
            await thread.apply(Event("text", "t1", i, {"text": PIECES[i % 5].format(i=i)}))
            if i % 40 == 39:
                await pilot.pause()
        message = thread.query_one(ChatMessage)
        await until(pilot, lambda: message.query(FrozenMarkdown))
        assert gc.get_freeze_count() > 0  # frozen segments are not rescanned by collections
        await thread.apply(Event("done", "t1", 200, {"status": "completed"}))
        await until(pilot, lambda: not message._finished)
        assert gc.get_freeze_count() == 0  # everything is back with the collector
