"""SVG snapshots of the TUI (pytest-textual-snapshot); update with ``--snapshot-update``."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.tui.conftest import make_app, scripted_engine, settle

from aura_cli.tui.widgets.context_panel import ContextPanel
from aura_cli.tui.widgets.prompt_area import PromptArea
from aura_cli.tui.widgets.task_list import TaskList
from aura_cli.tui.widgets.thinking_block import ThinkingBlock
from aura_cli.tui.widgets.thread import Thread
from aura_cli.tui.widgets.tool_card import ToolCard
from aura_core.engine import Engine
from aura_core.events import Event
from aura_core.messages import Message
from aura_core.store.tasks import TaskRecord

pytest.importorskip("pytest_textual_snapshot")

TASK_ID = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
TS = 1_796_000_000.0

ANSWER = """Here is the summary of the project files:

| file | lines | purpose |
| --- | ---: | --- |
| README.md | 3 | project overview |
| app.py | 1 | prints a greeting |

```python
print('hello')
```

Everything looks **tidy**."""


def seed_finished_task(engine: Engine, project: Path) -> None:
    """Store a finished task with thinking, two tool calls and a Markdown table."""
    tasks = engine.store.tasks
    tasks.create(
        TaskRecord(
            id=TASK_ID,
            title="Summarise the project files",
            status="completed",
            mode="agent",
            model="scripted:x",
            project_path=str(project),
            created_at=TS,
            finished_at=TS + 3,
        )
    )
    tasks.add_message(TASK_ID, Message(role="user", content="Summarise the project files"))
    events = [
        ("status", {"status": "executing", "model": "scripted:x"}),
        ("thinking", {"text": "I should list the directory, then read the small files."}),
        ("text", {"text": "Let me look at the files."}),
        ("tool_use", {"id": "call_1", "name": "list_dir", "arguments": {"path": "."}}),
        ("tool_use", {"id": "call_2", "name": "read_file", "arguments": {"path": "nope.txt"}}),
        (
            "tool_result",
            {
                "id": "call_1",
                "name": "list_dir",
                "content": "README.md\napp.py",
                "is_error": False,
                "duration_ms": 12.0,
            },
        ),
        (
            "tool_result",
            {
                "id": "call_2",
                "name": "read_file",
                "content": "file not found",
                "is_error": True,
                "duration_ms": 3.0,
            },
        ),
        (
            "usage",
            {
                "provider": "scripted",
                "model": "x",
                "input_tokens": 2300,
                "output_tokens": 140,
                "cache_read_tokens": 0,
                "cache_write_tokens": 0,
                "cost": 0.0012,
                "ttft_ms": 180.0,
                "latency_ms": 400.0,
            },
        ),
        ("text", {"text": ANSWER}),
        (
            "usage",
            {
                "provider": "scripted",
                "model": "x",
                "input_tokens": 2600,
                "output_tokens": 220,
                "cache_read_tokens": 1200,
                "cache_write_tokens": 0,
                "cost": 0.0021,
                "ttft_ms": 150.0,
                "latency_ms": 380.0,
            },
        ),
        ("done", {"status": "completed", "result": ANSWER}),
    ]
    for seq, (kind, data) in enumerate(events):
        tasks.add_event(Event(kind, TASK_ID, seq, data, ts=TS + seq))  # type: ignore[arg-type]


@pytest.fixture
def seeded(project: Path):  # type: ignore[no-untyped-def]
    engine, _ = scripted_engine([])
    seed_finished_task(engine, project)
    yield make_app(engine, project)
    engine.store.close()


async def until(pilot, check) -> None:  # type: ignore[no-untyped-def]
    """Let the app work until ``check()`` holds (bounded; no wall-clock sleeps)."""
    for _ in range(200):
        if check():
            return
        await pilot.pause()
    raise AssertionError("condition never held")


async def steady(pilot) -> None:  # type: ignore[no-untyped-def]
    """A still screen: no blinking cursor, workers done, animations over, app idle."""
    pilot.app.workspace.query_one(PromptArea).cursor_blink = False
    await settle(pilot.app)
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


async def open_seeded(pilot) -> Thread:  # type: ignore[no-untyped-def]
    """Open the seeded task and wait until its replay is completely on screen."""
    app = pilot.app
    await until(pilot, lambda: app.workspace.query_one(TaskList).shown == [TASK_ID])
    app.workspace.open_task(TASK_ID)
    await until(pilot, lambda: TASK_ID in app.workspace.threads)
    thread = app.workspace.threads[TASK_ID]
    await until(pilot, lambda: thread.status == "completed")
    thinking = thread.query_one(ThinkingBlock)
    await until(pilot, lambda: "words" in str(thinking.query_one("CollapsibleTitle").render()))
    await steady(pilot)
    return thread


def test_dashboard(snap_compare, seeded) -> None:
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await until(pilot, lambda: pilot.app.workspace.query_one(TaskList).shown == [TASK_ID])
        await steady(pilot)

    assert snap_compare(seeded, terminal_size=(120, 36), run_before=run_before)


def test_finished_task_with_thinking_tool_cards_and_table(snap_compare, seeded) -> None:
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        thread = await open_seeded(pilot)
        for card in thread.query(ToolCard):
            card.collapsed = False
        await steady(pilot)
        thread.scroll_end(animate=False, immediate=True)
        await steady(pilot)

    assert snap_compare(seeded, terminal_size=(120, 64), run_before=run_before)


def test_context_panel(snap_compare, seeded) -> None:
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await open_seeded(pilot)
        await pilot.press("ctrl+b")
        panel = pilot.app.workspace.query_one(ContextPanel)
        await until(pilot, lambda: "Calls     2" in str(panel.query_one("#usage-lines").render()))
        await steady(pilot)

    assert snap_compare(seeded, terminal_size=(120, 36), run_before=run_before)


def test_small_terminal_80x24(snap_compare, seeded) -> None:
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await until(pilot, lambda: pilot.app.workspace.query_one(TaskList).shown == [TASK_ID])
        await steady(pilot)

    assert snap_compare(seeded, terminal_size=(80, 24), run_before=run_before)
