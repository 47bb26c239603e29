"""What a crash can and cannot lose: read-only steps, batched usage rows, commits per step."""

from __future__ import annotations

import sqlite3
import subprocess
import threading
from pathlib import Path

from aura_core.config import load_config
from aura_core.engine import Engine
from aura_core.providers.scripted import ScriptedProvider, Turn
from aura_core.store import open_store
from aura_core.tools.registry import ToolRegistry, tool

#: Holds the slow tools (they run in worker threads) until a test lets them go.
GATE = threading.Event()


@tool(read_only=True)
def peek(name: str) -> str:
    """Read something without changing anything.

    Args:
        name: What to look at.
    """
    return f"saw {name}"


@tool
def poke(name: str) -> str:
    """Change something.

    Args:
        name: What to change.
    """
    return f"changed {name}"


@tool(read_only=True)
def peek_slowly(name: str) -> str:
    """Read something slowly.

    Args:
        name: What to look at.
    """
    GATE.wait(timeout=30)
    return f"saw {name}"


@tool
def poke_slowly(name: str) -> str:
    """Change something slowly.

    Args:
        name: What to change.
    """
    GATE.wait(timeout=30)
    return f"changed {name}"


TOOLS = ToolRegistry([peek, poke, peek_slowly, poke_slowly])


def make_engine(db: Path, turns: list[Turn]) -> tuple[Engine, ScriptedProvider]:
    engine = Engine(store=open_store(db), config=load_config(), tools=TOOLS)
    engine.bus.flush_after = 3600  # only transcript writes commit: no timer in the way
    provider = ScriptedProvider(turns)
    engine.register_provider(provider)
    return engine, provider


def dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


async def held_at_tool(db: Path, project: Path, turn: Turn) -> tuple[Engine, str]:
    """Start a task whose one step calls a slow tool; return once that tool is running.

    The loop reaches the tool without yielding after it emits ``tool_use``, so by the time a
    reader sees that event, whatever the step commits before its tools is on disk.
    """
    GATE.clear()
    engine, _ = make_engine(db, [turn, Turn(text="done")])
    handle = await engine.start_task("go", model="scripted:x", project=project)
    async for event in handle.events():
        if event.type == "tool_use":
            break
    return engine, handle.task_id


def kill(db: Path, task_id: str) -> None:
    """Make the task's owning process look dead, as after SIGKILL."""
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE tasks SET pid = ? WHERE id = ?", [dead_pid(), task_id])


def stored(db: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    """Read what is on disk through a separate connection, as another process would."""
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


async def _commits_for(tool_name: str, db: Path, project: Path) -> tuple[int, list[str]]:
    steps = [Turn(tool_calls=[{"name": tool_name, "arguments": {"name": n}}]) for n in "xy"]
    engine, _ = make_engine(db, [*steps, Turn(text="done")])
    commits = 0
    wrote_message = False

    def trace(sql: str) -> None:
        nonlocal commits, wrote_message
        if sql.startswith("INSERT INTO task_messages"):
            wrote_message = True
        elif sql == "COMMIT" and wrote_message:
            commits += 1
            wrote_message = False

    engine.store.db.conn.set_trace_callback(trace)
    handle = await engine.start_task("go", model="scripted:x", project=project)
    await handle.wait()
    roles = [m.role for m in engine.store.tasks.messages(handle.task_id)]
    await engine.shutdown()
    return commits, roles


async def test_read_only_steps_take_one_commit_and_side_effects_two(
    tmp_path: Path, project: Path
) -> None:
    reading, read_roles = await _commits_for("peek", tmp_path / "r.db", project)
    writing, write_roles = await _commits_for("poke", tmp_path / "w.db", project)
    expected = ["user", "assistant", "tool", "assistant", "tool", "assistant"]
    assert read_roles == write_roles == expected
    # user message, two steps, final answer
    assert reading == 1 + 2 + 1
    assert writing == 1 + 2 * 2 + 1


async def test_a_side_effect_call_is_on_disk_before_its_tool_runs(
    tmp_path: Path, project: Path
) -> None:
    db = tmp_path / "aura.db"
    call = {"id": "w1", "name": "poke_slowly", "arguments": {"name": "x"}}
    engine, task = await held_at_tool(db, project, Turn(text="Changing.", tool_calls=[call]))
    rows = stored(
        db, "SELECT role, tool_calls FROM task_messages WHERE id >> 32 = "
        "(SELECT num FROM task_keys WHERE task_id = ?) ORDER BY id", task
    )
    assert [r[0] for r in rows] == ["user", "assistant"] and '"w1"' in str(rows[1][1])
    GATE.set()
    await engine.shutdown()


async def test_a_crash_during_a_read_only_step_just_asks_the_model_again(
    tmp_path: Path, project: Path
) -> None:
    db = tmp_path / "aura.db"
    call = {"name": "peek_slowly", "arguments": {"name": "x"}}
    _, task = await held_at_tool(db, project, Turn(text="Looking.", tool_calls=[call]))
    # the step is still only in memory: a crash now loses the model call, nothing else
    assert stored(db, "SELECT role FROM task_messages WHERE id >> 32 = "
                  "(SELECT num FROM task_keys WHERE task_id = ?)", task) == [("user",)]
    kill(db, task)

    second, provider = make_engine(db, [Turn(text="x looks fine.")])
    assert second.store.tasks.get(task).status == "interrupted"
    outcome = await (await second.resume(task)).wait()
    assert outcome.status == "completed"
    # no "still running when Aura stopped" notice: the model simply got the question again
    assert [m.role for m in provider.requests[0].messages] == ["system", "user"]
    messages = second.store.tasks.messages(task)
    assert [(m.role, m.content) for m in messages] == [
        ("user", "go"),
        ("assistant", "x looks fine."),
    ]
    await second.shutdown()
    GATE.set()


async def test_usage_rows_lost_in_a_crash_are_rebuilt_from_the_usage_events(
    tmp_path: Path, project: Path
) -> None:
    db = tmp_path / "aura.db"
    call = {"name": "poke_slowly", "arguments": {"name": "x"}}
    _, task = await held_at_tool(
        db, project, Turn(tool_calls=[call], input_tokens=1200, output_tokens=34)
    )
    # the usage event is committed with the reply; the usage row waits for its batch
    usage_events = ("SELECT COUNT(*) FROM task_events WHERE type = 'usage' AND task_num = "
                    "(SELECT num FROM task_keys WHERE task_id = ?)")
    assert stored(db, usage_events, task) == [(1,)]
    assert stored(db, "SELECT COUNT(*) FROM usage WHERE task_id = ?", task) == [(0,)]
    kill(db, task)

    store = open_store(db)
    assert store.recover_orphans() == [task]
    assert store.usage.task_totals(task) == {
        "input_tokens": 1200,
        "output_tokens": 34,
        "cost": 0.0,
        "calls": 1,
    }
    row = stored(db, "SELECT provider, model, event_seq FROM usage WHERE task_id = ?", task)
    assert row[0][:2] == ("scripted", "x") and isinstance(row[0][2], int)
    assert store.usage.restore(task) == 0  # rebuilding twice adds nothing
    store.close()
    GATE.set()


async def test_usage_rows_are_batched_but_readers_always_see_them(
    tmp_path: Path, project: Path
) -> None:
    db = tmp_path / "aura.db"
    engine, _ = make_engine(
        db,
        [
            Turn(
                tool_calls=[{"name": "poke", "arguments": {"name": "x"}}],
                input_tokens=10,
                output_tokens=2,
            ),
            Turn(text="done", input_tokens=20, output_tokens=3),
        ],
    )
    handle = await engine.start_task("go", model="scripted:x", project=project)
    await handle.wait()
    assert engine.store.usage.task_totals(handle.task_id)["calls"] == 2
    seqs = stored(db, "SELECT event_seq FROM usage WHERE task_id = ? ORDER BY id", handle.task_id)
    events = stored(
        db,
        "SELECT seq FROM task_events WHERE type = 'usage' AND task_num = "
        "(SELECT num FROM task_keys WHERE task_id = ?) ORDER BY seq",
        handle.task_id,
    )
    assert seqs == events
    await engine.shutdown()


def test_only_the_built_in_tools_without_side_effects_are_read_only() -> None:
    from aura_core.tools.builtin import builtin_tools

    marked = {t.name: t.read_only for t in builtin_tools()}
    assert marked == {
        "read_file": True,
        "list_dir": True,
        "glob": True,
        "grep": True,
        "write_file": False,
        "edit_file": False,
        "bash": False,
    }


async def test_a_task_running_in_another_process_cannot_be_compacted(
    tmp_path: Path, project: Path
) -> None:
    import os

    import pytest

    from aura_core.errors import UsageError

    db = tmp_path / "aura.db"
    engine, _ = make_engine(db, [Turn(text="done")])
    handle = await engine.start_task("go", model="scripted:x", project=project)
    await handle.wait()
    with sqlite3.connect(db) as conn:  # another live process now runs it (our own pid)
        conn.execute(
            "UPDATE tasks SET status = 'executing', pid = ? WHERE id = ?",
            [os.getpid(), handle.task_id],
        )
    other, _ = make_engine(db, [])
    with pytest.raises(UsageError, match="is running"):
        await other.compact(handle.task_id)
    await other.shutdown()
    await engine.shutdown()
