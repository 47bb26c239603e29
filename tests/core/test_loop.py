"""The agent loop on the scripted provider: tools, persistence, modes, limits, failures."""

from __future__ import annotations

import asyncio
from pathlib import Path

from aura_core.config import load_config
from aura_core.engine import Engine
from aura_core.providers.scripted import ScriptedProvider, Turn
from aura_core.store import open_store
from aura_core.tools.registry import ToolContext, ToolRegistry, tool


@tool
def echo(text: str) -> str:
    """Echo the text back.

    Args:
        text: What to echo.
    """
    return f"echo: {text}"


@tool
async def slow(seconds: float, ctx: ToolContext) -> str:
    """Wait, then report.

    Args:
        seconds: How long to wait.
    """
    await asyncio.sleep(seconds)
    return f"waited {seconds}"


def make_engine(turns: list[Turn]) -> tuple[Engine, ScriptedProvider]:
    engine = Engine(store=open_store(), config=load_config(), tools=ToolRegistry([echo, slow]))
    provider = ScriptedProvider(turns)
    engine.register_provider(provider)
    return engine, provider


async def collect(handle) -> list:  # type: ignore[no-untyped-def]
    return [e async for e in handle.events()]


async def test_tool_round_trip_streams_events_and_stores_everything(project: Path) -> None:
    engine, provider = make_engine([
        Turn(text="Let me echo.", tool_calls=[{"name": "echo", "arguments": {"text": "hi"}}]),
        Turn(text="All done."),
    ])
    handle = await engine.start_task("say hi", model="scripted:x", project=project)
    events = await collect(handle)
    kinds = [e.type for e in events]
    assert kinds[0] == "status"
    assert "tool_use" in kinds and "tool_result" in kinds
    assert kinds[-1] == "done" and events[-1].data["status"] == "completed"
    assert [e.seq for e in events] == list(range(len(events)))
    result = next(e for e in events if e.type == "tool_result")
    assert result.data["content"] == "echo: hi" and result.data["is_error"] is False
    text = "".join(str(e.data["text"]) for e in events if e.type == "text")
    assert text == "Let me echo.All done."
    msgs = engine.store.tasks.messages(handle.task_id)
    assert [m.role for m in msgs] == ["user", "assistant", "tool", "assistant"]
    assert msgs[1].tool_calls[0].name == "echo"
    assert engine.store.tasks.get(handle.task_id).status == "completed"
    # the second model call saw the tool result
    assert provider.requests[1].messages[-1].content == "echo: hi"
    # persisted events replay identically
    assert [e.to_dict() for e in engine.store.tasks.events(handle.task_id)] == [
        e.to_dict() for e in events]
    await engine.shutdown()


async def test_parallel_tool_calls_respect_the_concurrency_limit(project: Path) -> None:
    calls = [{"name": "slow", "arguments": {"seconds": 0.05}} for _ in range(6)]
    engine, _ = make_engine([Turn(tool_calls=calls), Turn(text="ok")])
    running = 0
    peak = 0
    original = slow.func

    async def counting(seconds: float, ctx: ToolContext) -> str:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        try:
            return await original(seconds, ctx)
        finally:
            running -= 1

    slow.func = counting
    try:
        handle = await engine.start_task("go", model="scripted:x", project=project)
        events = await collect(handle)
    finally:
        slow.func = original
    assert sum(1 for e in events if e.type == "tool_result") == 6
    assert peak == 4
    await engine.shutdown()


async def test_unknown_tool_and_bad_arguments_become_error_results(project: Path) -> None:
    engine, _ = make_engine([
        Turn(tool_calls=[{"name": "nope", "arguments": {}},
                         {"name": "echo", "arguments": {"wrong": 1}}]),
        Turn(text="recovered"),
    ])
    handle = await engine.start_task("x", model="scripted:x", project=project)
    events = await collect(handle)
    results = [e for e in events if e.type == "tool_result"]
    assert all(r.data["is_error"] for r in results)
    contents = " ".join(str(r.data["content"]) for r in results)
    assert "unknown tool: nope" in contents and "missing required argument: text" in contents
    assert events[-1].data["status"] == "completed"
    await engine.shutdown()


async def test_max_steps_fails_the_task_with_a_reason(project: Path) -> None:
    looping = [Turn(tool_calls=[{"name": "echo", "arguments": {"text": f"again {i}"}}])
               for i in range(10)]
    engine, _ = make_engine(looping)
    handle = await engine.start_task("loop", model="scripted:x", project=project, max_steps=3)
    events = await collect(handle)
    assert events[-1].data == {"status": "failed", "reason": "max_steps"}
    assert any(e.type == "error" and "3 steps" in str(e.data["message"]) for e in events)
    assert engine.store.tasks.get(handle.task_id).reason == "max_steps"
    await engine.shutdown()


async def test_chat_mode_sends_no_tools(project: Path) -> None:
    engine, provider = make_engine([Turn(text="Paris.")])
    handle = await engine.start_task("Capital of France?", model="scripted:x", project=project,
                                     mode="chat")
    events = await collect(handle)
    assert provider.requests[0].tools == []
    assert events[-1].data["status"] == "completed" and events[-1].data["result"] == "Paris."
    await engine.shutdown()


async def test_plan_mode_emits_a_plan_before_executing(project: Path) -> None:
    engine, provider = make_engine([
        Turn(text="1. Echo hi\n2. Report"),
        Turn(tool_calls=[{"name": "echo", "arguments": {"text": "hi"}}]),
        Turn(text="Reported."),
    ])
    handle = await engine.start_task("do it", model="scripted:x", project=project, mode="plan")
    events = await collect(handle)
    kinds = [e.type for e in events]
    assert kinds.index("plan") < kinds.index("tool_use")
    plan = next(e for e in events if e.type == "plan")
    assert plan.data["steps"] == ["1. Echo hi", "2. Report"]
    assert provider.requests[0].tools == []  # the planning call has no tools
    assert provider.requests[1].tools
    await engine.shutdown()


async def test_provider_failure_is_an_error_event_not_a_crash(project: Path) -> None:
    engine, _ = make_engine([Turn(error="server")])
    handle = await engine.start_task("x", model="scripted:x", project=project)
    events = await collect(handle)
    assert events[-2].type == "error" and "scripted server error" in str(events[-2].data["message"])
    assert events[-1].data == {"status": "failed", "reason": "provider"}
    await engine.shutdown()


async def test_cancel_marks_the_task_interrupted_and_keeps_messages(project: Path) -> None:
    engine, _ = make_engine([
        Turn(tool_calls=[{"name": "slow", "arguments": {"seconds": 30}}]),
    ])
    handle = await engine.start_task("wait", model="scripted:x", project=project)
    seen = []
    async for event in handle.events():
        seen.append(event)
        if event.type == "tool_use":
            await engine.cancel(handle.task_id)
    assert seen[-1].data["status"] == "interrupted"
    record = engine.store.tasks.get(handle.task_id)
    assert record.status == "interrupted"
    assert [m.role for m in engine.store.tasks.messages(handle.task_id)] == ["user", "assistant"]
    await engine.shutdown()


async def test_resume_tells_the_model_about_a_lost_tool_call_and_finishes(project: Path) -> None:
    engine, provider = make_engine([
        Turn(tool_calls=[{"name": "slow", "arguments": {"seconds": 30}}]),
        Turn(text="Finished after resume."),
    ])
    handle = await engine.start_task("wait", model="scripted:x", project=project)
    async for event in handle.events():
        if event.type == "tool_use":
            await engine.cancel(handle.task_id)
    resumed = await engine.resume(handle.task_id)
    events = [e async for e in resumed.events()]
    assert events[0].seq > 0  # only new events
    lost = next(e for e in events if e.type == "tool_result")
    assert lost.data["is_error"] and "NOT been run again" in str(lost.data["content"])
    assert events[-1].data["status"] == "completed"
    assert "NOT been run again" in provider.requests[-1].messages[-1].content
    await engine.shutdown()


async def test_follow_up_message_continues_the_conversation(project: Path) -> None:
    engine, provider = make_engine([Turn(text="First."), Turn(text="Second.")])
    handle = await engine.start_task("one", model="scripted:x", project=project)
    await handle.wait()
    again = await engine.send_message(handle.task_id, "two")
    events = [e async for e in again.events()]
    assert events[-1].data["result"] == "Second."
    assert [m.content for m in provider.requests[-1].messages if m.role == "user"] == ["one", "two"]
    await engine.shutdown()


async def test_a_model_repeating_the_same_call_is_asked_to_answer(project: Path) -> None:
    same = Turn(tool_calls=[{"name": "echo", "arguments": {"text": "again"}}])
    engine, provider = make_engine([same, same, Turn(text="Here is the answer.")] + [same] * 5)
    handle = await engine.start_task("loop", model="scripted:x", project=project, max_steps=10)
    events = await collect(handle)
    assert events[-1].data["status"] == "completed"
    assert events[-1].data["result"] == "Here is the answer."
    assert sum(1 for e in events if e.type == "tool_use") == 2
    assert provider.requests[2].tools == []  # the third call could only answer
    assert "Do not call it again" in provider.requests[2].messages[-1].content
    await engine.shutdown()


async def test_tools_needing_approval_wait_for_a_decision(project: Path) -> None:
    engine, _ = make_engine([
        Turn(tool_calls=[{"id": "a", "name": "echo", "arguments": {"text": "one"}}]),
        Turn(tool_calls=[{"id": "b", "name": "echo", "arguments": {"text": "two"}}]),
        Turn(tool_calls=[{"id": "c", "name": "echo", "arguments": {"text": "three"}}]),
        Turn(text="end"),
    ])
    engine.require_approval = frozenset({"echo"})
    handle = await engine.start_task("x", model="scripted:x", project=project)
    answers = iter(["deny", "always"])
    events = []
    async for event in handle.events():
        events.append(event)
        if event.type == "approval" and event.data["decision"] is None:
            engine.approve(str(event.data["approval_id"]), next(answers))
    results = {e.data["id"]: e.data for e in events if e.type == "tool_result"}
    assert results["a"]["is_error"] and "denied" in str(results["a"]["content"])
    assert results["b"]["content"] == "echo: two"
    assert results["c"]["content"] == "echo: three"  # "always" needs no second question
    asked = [e for e in events if e.type == "approval" and e.data["decision"] is None]
    assert [e.data["id"] for e in asked] == ["a", "b"]
    assert events[-1].data["status"] == "completed"
    await engine.shutdown()


async def test_a_slow_reader_still_gets_every_event_to_done(project: Path) -> None:
    engine, _ = make_engine([
        Turn(tool_calls=[{"name": "echo", "arguments": {"text": "a"}}]),
        Turn(text="finished"),
    ])
    handle = await engine.start_task("x", model="scripted:x", project=project)
    await asyncio.sleep(0)  # let the run start and store its first events
    late = engine.handle(handle.task_id)  # a second reader, e.g. a TUI opening the task
    seen = []
    async for event in late.events(-1):
        seen.append(event)
        if len(seen) == 1:
            await handle.wait()  # the task ends while this reader is still on its first event
    assert seen[-1].type == "done" and seen[-1].data["status"] == "completed"
    assert [e.seq for e in seen] == list(range(len(seen)))
    await engine.shutdown()
