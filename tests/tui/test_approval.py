"""The tool-approval dialog and the TuiApprover that shows it."""

from __future__ import annotations

import asyncio

import pytest
from textual.app import App

from aura_cli.tui.approver import Decision, TuiApprover
from aura_cli.tui.screens.approval import ApprovalScreen


class Host(App[None]):
    """A bare app to show the dialog on."""


async def ask(pilot_keys: tuple[str, ...]) -> tuple[Decision, TuiApprover, bool]:
    app = Host()
    async with app.run_test() as pilot:
        approver = TuiApprover(app)
        pending = asyncio.ensure_future(approver.ask("shell", {"command": "rm -rf build"}))
        for _ in range(100):
            if isinstance(app.screen, ApprovalScreen):
                break
            await pilot.pause()
        shown = isinstance(app.screen, ApprovalScreen)
        await pilot.press(*pilot_keys)
        decision = await pending
        return decision, approver, shown


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        (("y",), "once"),
        (("a",), "always"),
        (("n",), "deny"),
        (("escape",), "deny"),
        (("tab", "enter"), "always"),
        (("enter",), "once"),
    ],
)
async def test_dialog_returns_the_users_decision(keys, expected):
    decision, _, shown = await ask(keys)
    assert shown
    assert decision == expected


async def test_always_is_remembered_for_that_tool_only():
    app = Host()
    async with app.run_test() as pilot:
        approver = TuiApprover(app)
        approver.always.add("shell")
        assert await approver.ask("shell", {"command": "ls"}) == "always"
        pending = asyncio.ensure_future(approver.ask("write_file", {"path": "x"}))
        for _ in range(100):
            if isinstance(app.screen, ApprovalScreen):
                break
            await pilot.pause()
        assert isinstance(app.screen, ApprovalScreen)
        assert app.screen.tool_name == "write_file"
        await pilot.press("n")
        assert await pending == "deny"
