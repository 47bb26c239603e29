"""Tool calls the engine holds for approval: the dialog, the card, and the decision sent back."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from aura_cli.commands.tui import TUI_APPROVAL_TOOLS, ask_before_risky_tools
from aura_cli.tui.app import AuraApp
from aura_cli.tui.screens.approval import ApprovalScreen
from aura_cli.tui.widgets.thread import Thread
from aura_cli.tui.widgets.tool_card import ToolCard
from aura_core.config import load_config
from aura_core.engine import Engine
from aura_core.providers.scripted import Turn
from aura_core.store import open_store

ECHO = {"name": "echo", "arguments": {"text": "hi"}}


async def until(pilot: Pilot[None], check) -> None:  # type: ignore[no-untyped-def]
    """Let the app process events until ``check()`` holds (bounded, no wall-clock sleeps)."""
    for _ in range(500):
        if check():
            return
        await pilot.pause()
    raise AssertionError("condition never held")


def thread_of(app: AuraApp) -> Thread:
    ws = app.workspace
    assert ws.current is not None
    return ws.threads[ws.current]


def cards(app: AuraApp) -> list[ToolCard]:
    return list(thread_of(app).query(ToolCard))


async def start(pilot: Pilot[None], app: AuraApp) -> ApprovalScreen:
    """Send a prompt and wait for the approval dialog."""
    await pilot.press(*"echo hi", "enter")
    await until(pilot, lambda: isinstance(app.screen, ApprovalScreen))
    assert isinstance(app.screen, ApprovalScreen)
    return app.screen


async def test_approving_lets_the_tool_run(build, project: Path) -> None:
    app, engine, _ = build([Turn(tool_calls=[ECHO]), Turn(text="Echoed.")], project)
    engine.require_approval = frozenset({"echo"})
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await start(pilot, app)
        assert dialog.tool_name == "echo"
        (card,) = cards(app)
        assert card.status == "waiting"
        assert "waiting for approval" in str(card.title)
        await pilot.press("y")
        await until(pilot, lambda: thread_of(app).status == "completed")
        assert card.status == "ok"
        assert str(card.title).startswith("✓ echo")
        assert thread_of(app).answer == "Echoed."
        assert not isinstance(app.screen, ApprovalScreen)


async def test_denying_ends_the_card_with_the_denial(build, project: Path) -> None:
    app, engine, _ = build([Turn(tool_calls=[ECHO]), Turn(text="Fine, I won't.")], project)
    engine.require_approval = frozenset({"echo"})
    async with app.run_test(size=(120, 40)) as pilot:
        await start(pilot, app)
        await pilot.press("n")
        await until(pilot, lambda: thread_of(app).status == "completed")
        (card,) = cards(app)
        assert card.status == "error"
        assert str(card.title).startswith("✗ echo")
        assert "denied" in str(card._output.render())
        assert thread_of(app).answer == "Fine, I won't."


async def test_always_does_not_ask_again_for_that_tool_in_the_task(build, project: Path) -> None:
    turns = [Turn(tool_calls=[ECHO]), Turn(tool_calls=[ECHO]), Turn(text="Twice.")]
    app, engine, _ = build(turns, project)
    engine.require_approval = frozenset({"echo"})
    async with app.run_test(size=(120, 40)) as pilot:
        await start(pilot, app)
        await pilot.press("a")
        await until(
            pilot,
            lambda: thread_of(app).status == "completed" or isinstance(app.screen, ApprovalScreen),
        )
        assert not isinstance(app.screen, ApprovalScreen)
        assert [c.status for c in cards(app)] == ["ok", "ok"]
        assert thread_of(app).answer == "Twice."


async def test_a_question_answered_elsewhere_closes_the_dialog(build, project: Path) -> None:
    app, engine, _ = build([Turn(tool_calls=[ECHO]), Turn(text="Done.")], project)
    engine.require_approval = frozenset({"echo"})
    async with app.run_test(size=(120, 40)) as pilot:
        await start(pilot, app)
        (pending,) = engine.approvals.pending()
        engine.approve(pending.id, "once")  # another client (the HTTP API) answered first
        await until(pilot, lambda: thread_of(app).status == "completed")
        assert not isinstance(app.screen, ApprovalScreen)
        assert cards(app)[0].status == "ok"


def test_the_tui_asks_before_commands_and_edits_unless_configured(aura_home: Path) -> None:
    engine = Engine(store=open_store(), config=load_config())
    try:
        ask_before_risky_tools(engine)
        assert engine.require_approval == TUI_APPROVAL_TOOLS == {"bash", "write_file", "edit_file"}
        engine.config.set("tools.require_approval", "[]")
        explicit = Engine(store=engine.store, config=load_config())
        ask_before_risky_tools(explicit)
        assert explicit.require_approval is None
    finally:
        engine.store.close()
