"""Compaction at 70% of a small context window: pairs stay whole, the task goes on, resume works."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from aura_core.config import load_config
from aura_core.engine import Engine
from aura_core.messages import Message
from aura_core.providers.base import ModelRequest
from aura_core.providers.scripted import ScriptedProvider, Turn
from aura_core.store import open_store
from aura_core.tools.registry import ToolRegistry, tool


@tool
async def fetch_page(n: int, wait: float = 0.0) -> str:
    """Return a long page.

    Args:
        n: Page number.
        wait: Seconds to wait first.
    """
    await asyncio.sleep(wait)
    return f"page {n}: " + ("lorem ipsum dolor sit amet " * 30)


def assert_pairs_whole(messages: list[Message]) -> None:
    asked: set[str] = set()
    for m in messages:
        if m.role == "assistant":
            asked |= {c.id for c in m.tool_calls}
        if m.role == "tool":
            assert m.tool_call_id in asked, "a tool result was sent without its tool call"
    answered = {m.tool_call_id for m in messages if m.role == "tool"}
    for m in messages:
        if m.role == "assistant":
            assert {c.id for c in m.tool_calls} <= answered, "a tool call lost its result"


class Script:
    """Ten page fetches then an answer; the step is read from the stored transcript."""

    def __init__(self, engine: Engine, slow_at: int | None = None) -> None:
        self.engine = engine
        self.slow_at = slow_at
        self.summaries = 0

    def __call__(self, request: ModelRequest) -> Turn:
        if request.messages[0].content.startswith("Summarise the conversation"):
            self.summaries += 1
            return Turn(text=f"Fetched pages so far; continue with the next page. (#{self.summaries})")
        task = self.engine.store.tasks.list(limit=1)[0]
        step = sum(1 for m in self.engine.store.tasks.messages(task.id) if m.role == "assistant")
        if step >= 10:
            return Turn(text="Read all ten pages.")
        wait = 30.0 if step == self.slow_at else 0.0
        return Turn(tool_calls=[{"id": f"c{step}", "name": "fetch_page",
                                 "arguments": {"n": step, "wait": wait}}])


def make_engine(slow_at: int | None = None) -> tuple[Engine, ScriptedProvider, Script]:
    engine = Engine(store=open_store(), config=load_config(), tools=ToolRegistry([fetch_page]))
    script = Script(engine, slow_at)
    provider = ScriptedProvider(script)
    engine.register_provider(provider)
    return engine, provider, script


@pytest.fixture(autouse=True)
def small_window(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AURA_CONTEXT_WINDOW", "1200")


async def test_long_task_compacts_keeps_pairs_and_finishes(project: Path) -> None:
    engine, provider, script = make_engine()
    handle = await engine.start_task("Read pages 0 to 9", model="scripted:x", project=project)
    events = [e async for e in handle.events()]
    assert events[-1].data["status"] == "completed"
    compactions = [e for e in events if e.type == "status" and "compaction" in e.data]
    assert compactions and script.summaries >= 1
    assert all(c.data["compaction"]["method"] == "summary" for c in compactions)  # type: ignore[index]
    work = [r for r in provider.requests if not r.messages[0].content.startswith("Summarise")]
    for request in work:
        assert_pairs_whole(request.messages[1:])
        assert sum(len(m.content) for m in request.messages) // 4 < 1200
    last = work[-1].messages
    assert last[1].content.startswith("The task, as first given:\nRead pages 0 to 9")
    # the stored transcript is complete: nothing was deleted by compaction
    stored = engine.store.tasks.messages(handle.task_id)
    assert sum(1 for m in stored if m.role == "tool") == 10
    await engine.shutdown()


async def test_compacted_state_survives_a_restart_and_resume(project: Path) -> None:
    engine, _, _ = make_engine(slow_at=7)
    handle = await engine.start_task("Read pages 0 to 9", model="scripted:x", project=project)
    compacted = False
    async for event in handle.events():
        compacted = compacted or (event.type == "status" and "compaction" in event.data)
        if event.type == "tool_use" and event.data["id"] == "c7":
            await engine.cancel(handle.task_id)
    assert compacted
    await engine.shutdown()

    engine2, provider2, _ = make_engine()  # a new process, in effect
    resumed = await engine2.resume(handle.task_id)
    events = [e async for e in resumed.events()]
    assert events[-1].data["status"] == "completed"
    first = next(r for r in provider2.requests if not r.messages[0].content.startswith("Summarise"))
    assert first.messages[1].content.startswith("The task, as first given:")
    assert_pairs_whole(first.messages[1:])
    await engine2.shutdown()


async def test_failed_summaries_fall_back_to_truncation_then_stay_there(project: Path) -> None:
    engine = Engine(store=open_store(), config=load_config(), tools=ToolRegistry([fetch_page]))
    script = Script(engine)

    def pick(request: ModelRequest) -> Turn:
        if request.messages[0].content.startswith("Summarise the conversation"):
            script.summaries += 1
            return Turn(error="server")
        return script(request)

    engine.register_provider(ScriptedProvider(pick))
    handle = await engine.start_task("Read pages 0 to 9", model="scripted:x", project=project)
    events = [e async for e in handle.events()]
    assert events[-1].data["status"] == "completed"
    methods = [e.data["compaction"]["method"] for e in events  # type: ignore[index]
               if e.type == "status" and "compaction" in e.data]
    assert methods and set(methods) == {"truncation"}
    assert script.summaries == 3  # after three failures no more summary attempts
    await engine.shutdown()


async def test_compact_on_request_summarises_a_stopped_task(project: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AURA_CONTEXT_WINDOW", "100000")  # never compacts by itself
    engine, provider, script = make_engine()
    handle = await engine.start_task("Read pages 0 to 9", model="scripted:x", project=project)
    await handle.wait()
    assert script.summaries == 0
    result = await engine.compact(handle.task_id)
    assert result is not None and result["method"] == "summary" and result["dropped"] > 0
    events = engine.store.tasks.events(handle.task_id)
    assert events[-1].type == "status" and "on request" in str(events[-1].data["message"])
    again = await engine.send_message(handle.task_id, "And now?")
    await again.wait()
    assert provider.requests[-1].messages[1].content.startswith("The task, as first given:")
    await engine.shutdown()
