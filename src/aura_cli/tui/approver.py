"""The TUI side of tool approval: ask the user in a modal, remember "always" answers."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from textual.app import App

__all__ = ["Decision", "TuiApprover"]

Decision = Literal["once", "always", "deny"]
"""The user's answer: run this call, run every call of this tool, or refuse."""


class TuiApprover:
    """Answers the core's approval questions with `ApprovalScreen`.

    The engine-side ``Approver`` port does not exist yet; this class has its shape
    (``async ask(tool_name, arguments) -> Decision``) so it can be plugged in as is.

    Args:
        app: the running app the dialog is shown on.
    """

    def __init__(self, app: App[object]) -> None:
        self.app = app
        #: Tools the user approved for the rest of the session.
        self.always: set[str] = set()

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

        answer: asyncio.Future[Decision] = asyncio.get_running_loop().create_future()

        def done(decision: Decision | None) -> None:
            if not answer.done():
                answer.set_result(decision or "deny")

        self.app.push_screen(ApprovalScreen(tool_name, dict(arguments)), done)
        decision = await answer
        if decision == "always":
            self.always.add(tool_name)
        return decision
