"""The TUI side of tool approval: ask the user in a modal about calls the engine holds."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen

__all__ = ["Decision", "TuiApprover"]

Decision = Literal["once", "always", "deny"]
"""The user's answer: run this call, run every call of this tool, or refuse."""


class TuiApprover:
    """Answers approval questions with `ApprovalScreen`.

    The engine announces a held tool call with an ``approval`` event (``decision: null``);
    the workspace calls `request` and sends the answer back through the backend. Whichever
    client answers first wins: `settle` closes a dialog whose question was answered
    elsewhere (or whose task ended).

    Args:
        app: the running app the dialog is shown on.
    """

    def __init__(self, app: App[object]) -> None:
        self.app = app
        #: Tools the user approved for the rest of the session (`ask` only; the engine
        #: remembers "always" per task itself).
        self.always: set[str] = set()
        self._open: dict[str, Screen[Decision]] = {}
        self._settled: set[str] = set()

    async def ask(self, tool_name: str, arguments: Mapping[str, object]) -> Decision:
        """Show the dialog (unless the tool is always approved) and wait for the answer.

        Args:
            tool_name: the tool the model wants to call.
            arguments: the call's arguments, shown to the user.

        Returns:
            ``once``, ``always`` or ``deny``.
        """
        if tool_name in self.always:
            return "always"
        from aura_cli.tui.screens.approval import ApprovalScreen

        decision = await self._show(ApprovalScreen(tool_name, dict(arguments))) or "deny"
        if decision == "always":
            self.always.add(tool_name)
        return decision

    async def request(
        self, approval_id: str, tool_name: str, arguments: Mapping[str, object]
    ) -> Decision | None:
        """Ask about one call the engine holds.

        Args:
            approval_id: the engine's id of the request.
            tool_name: the tool the model wants to call.
            arguments: the call's arguments, shown to the user.

        Returns:
            The user's decision, or None when the request was settled before they answered.
        """
        if approval_id in self._settled:
            return None
        from aura_cli.tui.screens.approval import ApprovalScreen

        screen = ApprovalScreen(tool_name, dict(arguments))
        self._open[approval_id] = screen
        try:
            decision = await self._show(screen)
        finally:
            self._open.pop(approval_id, None)
        if approval_id in self._settled:
            return None
        self._settled.add(approval_id)
        return decision or "deny"

    def settle(self, approval_id: str) -> None:
        """Mark a request as answered (here or elsewhere) and close its dialog if it is open.

        Args:
            approval_id: the engine's id of the request.
        """
        self._settled.add(approval_id)
        screen = self._open.pop(approval_id, None)
        # Dismissing pops the top screen, so a dialog under another one stays until answered
        # (its answer is then dropped).
        if screen is not None and self.app.screen is screen:
            screen.dismiss(None)

    async def _show(self, screen: Screen[Decision]) -> Decision | None:
        answer: asyncio.Future[Decision | None] = asyncio.get_running_loop().create_future()

        def done(decision: Decision | None) -> None:
            if not answer.done():
                answer.set_result(decision)

        self.app.push_screen(screen, done)
        return await answer
