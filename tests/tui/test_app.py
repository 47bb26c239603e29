"""Pilot tests of the workspace on the scripted provider: what a user sees and does."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.tui.conftest import make_app, scripted_engine, settle
from textual.command import CommandList
from textual.pilot import Pilot
from textual.widgets import Markdown

from aura_cli.tui.app import AuraApp
from aura_cli.tui.widgets.composer import Composer
from aura_cli.tui.widgets.thread import Thread
from aura_cli.tui.widgets.tool_card import ToolCard
from aura_core.providers.base import ModelRequest
from aura_core.providers.scripted import ScriptedProvider, Turn


async def until(pilot: Pilot[None], check) -> None:  # type: ignore[no-untyped-def]
    """Let the app process events until ``check()`` holds (bounded, no wall-clock sleeps)."""
    for _ in range(500):
        if check():
            return
        await pilot.pause()
    raise AssertionError("condition never held")


def current_thread(app: AuraApp) -> Thread:
    ws = app.workspace
    assert ws.current is not None
    return ws.threads[ws.current]


async def test_enter_runs_a_task_that_streams_the_answer_and_a_tool_card(build, project):
    app, engine, provider = build(
        [
            Turn(text="Let me echo.", tool_calls=[{"name": "echo", "arguments": {"text": "hi"}}]),
            Turn(text="The **answer** is 42."),
        ],
        project,
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"say hi", "enter")
        await settle(app)
        thread = current_thread(app)
        assert thread.status == "completed"
        assert thread.answer == "Let me echo.The **answer** is 42."
        card = thread.query_one(ToolCard)
        assert card.status == "ok" and card.title.startswith("✓ echo")
        assert card.collapsed
        rendered = " ".join(str(m.source) for m in thread.query(Markdown))
        assert "say hi" in rendered
        assert engine.store.tasks.get(thread.task_id).status == "completed"
        assert app.workspace.query_one(Composer).prompt.text == ""


async def test_escape_cancels_the_running_task(build, project):
    app, engine, _ = build([Turn(text="never", delay=60)], project)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"slow one", "enter")
        await until(pilot, lambda: app.workspace.current is not None)
        thread = current_thread(app)
        assert thread.status == "running"
        await pilot.press("escape")
        await settle(app)
        assert thread.status == "interrupted"
        assert engine.store.tasks.get(thread.task_id).status == "interrupted"
        assert "never" not in thread.answer


async def test_ctrl_c_cancels_and_ctrl_r_resumes(build, project):
    calls = {"n": 0}

    def script(request: ModelRequest) -> Turn:
        calls["n"] += 1
        return Turn(text="slow", delay=60) if calls["n"] == 1 else Turn(text="resumed answer")

    engine, _ = scripted_engine([])
    engine.register_provider(ScriptedProvider(script))
    app = make_app(engine, project)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"go", "enter")
        await until(pilot, lambda: app.workspace.current is not None)
        await pilot.press("ctrl+c")
        await settle(app)
        thread = current_thread(app)
        assert thread.status == "interrupted"
        await pilot.press("ctrl+r")
        await settle(app)
        assert thread.status == "completed"
        assert "resumed answer" in thread.answer
    engine.store.close()


class GatedProvider:
    """Replies only once the test opens the gate, so runs overlap deterministically."""

    name = "scripted"

    def __init__(self) -> None:
        self.gate = asyncio.Event()
        self.inner = ScriptedProvider(
            lambda request: Turn(text=f"answer to {request.messages[-1].content}")
        )

    async def stream(self, request: ModelRequest):  # type: ignore[no-untyped-def]
        await self.gate.wait()
        async for part in self.inner.stream(request):
            yield part


async def test_two_tasks_run_at_once_each_in_its_own_thread(build, project):
    engine, _ = scripted_engine([])
    gated = GatedProvider()
    engine.register_provider(gated)  # type: ignore[arg-type]
    app = make_app(engine, project)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"alpha", "enter")
        await until(pilot, lambda: app.workspace.current is not None)
        first = current_thread(app)
        await pilot.press("ctrl+n")
        await pilot.press(*"beta", "enter")
        await until(pilot, lambda: app.workspace.current not in (None, first.task_id))
        second = current_thread(app)
        assert first.status == "running" and second.status == "running"
        gated.gate.set()
        await settle(app)
        assert first.answer == "answer to alpha"
        assert second.answer == "answer to beta"
        assert {first.status, second.status} == {"completed"}
    engine.store.close()


async def test_follow_up_prompt_continues_the_task_on_screen(build, project):
    app, engine, provider = build([Turn(text="first answer"), Turn(text="second answer")], project)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"one", "enter")
        await settle(app)
        thread = current_thread(app)
        await pilot.press(*"two", "enter")
        await settle(app)
        assert app.workspace.current == thread.task_id
        assert thread.answer == "first answersecond answer"
        roles = [m.role for m in engine.store.tasks.messages(thread.task_id)]
        assert roles == ["user", "assistant", "user", "assistant"]


async def test_model_picker_switches_the_model_for_new_tasks(build, project):
    app, engine, provider = build([Turn(text="ok")], project)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+o")
        await until(pilot, lambda: app.screen.__class__.__name__ == "ModelPicker")
        await pilot.press(*"scripted:other", "enter")
        await until(pilot, lambda: app.workspace.model == "scripted:other")
        await pilot.press(*"hello", "enter")
        await settle(app)
        assert engine.store.tasks.get(current_thread(app).task_id).model == "scripted:other"
        assert provider.requests[0].model == "other"


async def test_slash_model_rejects_an_unknown_provider(build, project):
    app, _, _ = build([], project)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"/model nosuch:thing", "enter")
        await pilot.pause()
        assert app.workspace.model == "scripted:x"
        assert any("nosuch" in n.message for n in app._notifications)


async def test_at_mention_and_slash_attach_send_files_with_the_prompt(build, project):
    (project / "notes.txt").write_text("secret sauce recipe\n")
    app, _, provider = build([Turn(text="read")], project)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"/attach notes.txt", "enter")
        await pilot.press(*"summarise @READ")
        composer = app.workspace.query_one(Composer)
        await until(pilot, lambda: composer.query_one("#completions").display)
        await pilot.press("tab")
        assert composer.prompt.text == "summarise @README.md "
        await pilot.press("enter")
        await settle(app)
        sent = provider.requests[0].messages[-1].content
        assert "secret sauce recipe" in sent and "A demo project." in sent
        chips = " ".join(str(s.render()) for s in current_thread(app).query(".chips"))
        assert "notes.txt" in chips and "README.md" in chips


async def test_history_newline_and_modes(build, project):
    app, engine, _ = build([Turn(text="a"), Turn(text="b")], project)
    async with app.run_test(size=(120, 40)) as pilot:
        prompt = app.workspace.query_one(Composer).prompt
        await pilot.press(*"/plan", "enter")
        assert app.workspace.mode == "plan"
        await pilot.press(*"/agent", "enter")
        await pilot.press(*"line one", "ctrl+j", *"line two")
        assert prompt.text == "line one\nline two"
        await pilot.press("enter")
        await settle(app)
        await pilot.press("up")
        assert prompt.text == "line one\nline two"
        await pilot.press("up")  # the cursor moves to the first line first
        assert prompt.text == "line one\nline two" and prompt.cursor_location[0] == 0
        await pilot.press("up")
        assert prompt.text == "/agent"
        await pilot.press("down")
        assert prompt.text == "line one\nline two"
        await pilot.press("down")
        assert prompt.text == ""


async def test_opening_an_old_task_replays_its_stored_events(build, project):
    app, engine, _ = build(
        [
            Turn(
                thinking="hmm",
                text="Checking.",
                tool_calls=[{"name": "echo", "arguments": {"text": "x"}}],
            ),
            Turn(text="Old answer."),
        ],
        project,
    )
    handle = await engine.start_task("an old question", model="scripted:x", project=project)
    await handle.wait()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+t")
        await pilot.pause()
        table = app.workspace.query_one("#task-table")
        table.focus()
        await pilot.press("enter")
        await settle(app)
        thread = current_thread(app)
        assert thread.task_id == handle.task_id
        assert thread.answer == "Checking.Old answer."
        assert thread.status == "completed"
        assert thread.query_one("ThinkingBlock").collapsed
        sources = " ".join(str(m.source) for m in thread.query(Markdown))
        assert "an old question" in sources


async def test_tasks_view_filters_and_deletes(build, project):
    app, engine, _ = build([Turn(text="x")] * 3, project)
    done = await engine.start_task("finished one", model="scripted:x", project=project)
    await done.wait()
    broken = await engine.start_task("broken one", model="scripted:x", project=project)
    await broken.wait()
    engine.store.tasks.set_status(broken.task_id, "failed")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+t")
        view = app.workspace.query_one("TaskList")
        assert len(view.shown) == 2
        view.query_one("#task-status").value = "failed"
        await pilot.pause()
        assert view.shown == [broken.task_id]
        view.query_one("#task-table").focus()
        await pilot.press("d")
        await pilot.pause()
        assert engine.store.tasks.get(broken.task_id) is None


async def test_context_panel_shows_usage_for_the_task_on_screen(build, project):
    app, _, _ = build([Turn(text="hello", input_tokens=2500, output_tokens=300)], project)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"count", "enter")
        await settle(app)
        await pilot.press("ctrl+b")
        await pilot.pause()
        panel = app.workspace.query_one("ContextPanel")
        assert panel.display
        lines = str(panel.query_one("#usage-lines").render())
        assert "2.5K" in lines and "300" in lines and "scripted" in lines
        bar = panel.query_one("UsageBar")
        assert bar.window == 4096 and bar.level == "warn"  # 2.8K of 4K is past 50 %


async def test_narrow_terminal_collapses_the_sidebar(build, project):
    app, _, _ = build([], project)
    async with app.run_test(size=(80, 24)) as pilot:
        sidebar = app.workspace.query_one("Sidebar")
        assert not sidebar.display
        await pilot.press("ctrl+g")
        assert sidebar.display


async def test_quick_action_card_starts_its_task(build, project):
    app, engine, provider = build([Turn(text="calendar")], project)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.click("QuickAction")
        await settle(app)
        first = provider.requests[0].messages[-1].content
        assert first.startswith("Design a small REST API")
        assert current_thread(app).answer == "calendar"


async def test_command_palette_reaches_the_tasks_view(build, project):
    app, _, _ = build([], project)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Tasks")
        await until(pilot, lambda: app.screen.query_one(CommandList).option_count > 0)
        await pilot.press("enter")
        await until(pilot, lambda: app.workspace.query_one("#views").current == "tasks")


def test_open_tui_refuses_a_missing_project(tmp_path: Path):
    import pytest

    from aura_cli.commands.tui import open_tui
    from aura_core.errors import UsageError

    with pytest.raises(UsageError, match="project directory not found"):
        open_tui(project=tmp_path / "missing")


async def test_app_is_an_aura_app(build, project):
    app, _, _ = build([], project)
    assert isinstance(app, AuraApp)


async def test_slash_compact_summarises_a_finished_task(build, project):
    turns = [Turn(tool_calls=[{"name": "echo", "arguments": {"text": f"n{i}"}}]) for i in range(6)]
    turns.append(Turn(text="All six echoed."))
    app, engine, provider = build(turns, project)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"echo six times", "enter")
        for _ in range(20):
            await settle(app)
            if app.workspace.current and current_thread(app).status == "completed":
                break
        assert current_thread(app).status == "completed"
        provider._turns = lambda request: Turn(text="Echoed six values so far.")  # the summary
        await pilot.press(*"/compact", "enter")
        await until(pilot, lambda: any("compacted" in n.message for n in app._notifications))
        task_id = app.workspace.current
        assert engine.store.memory.latest_task_memory(task_id, "compaction") is not None


async def test_usage_view_charts_recorded_cost(build, project):
    from aura_cli.tui.widgets.usage_view import UsageView, daily_chart

    app, engine, _ = build([Turn(text="Hello.", input_tokens=1200, output_tokens=300)], project)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"hi", "enter")
        await settle(app)
        await pilot.press("f2")
        await until(pilot, lambda: "1.2K in" in str(app.workspace.query_one("#usage-totals").render()))
        view = app.workspace.query_one(UsageView)
        assert view.display
        chart = str(app.workspace.query_one("#usage-daily").render())
        assert chart.count("\n") >= 13 and "1.5K tok" in chart
    text = daily_chart([{"date": "2026-12-03", "cost": 0.5, "input_tokens": 1, "output_tokens": 1},
                        {"date": "2026-12-04", "cost": 1.0, "input_tokens": 1, "output_tokens": 1}])
    first, second = str(text).splitlines()
    assert second.count("█") == 40 and first.count("█") == 20
