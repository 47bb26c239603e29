"""Human approval of tool calls: the ``Approver`` port and the engine's pending approvals."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from typing import Literal, Protocol

from aura_core.errors import NotFoundError, UsageError

__all__ = ["APPROVAL_DECISIONS", "ApprovalRequest", "Approver", "Decision", "PendingApprovals"]

Decision = Literal["once", "always", "deny"]
APPROVAL_DECISIONS: tuple[Decision, ...] = ("once", "always", "deny")


@dataclass(slots=True, frozen=True)
class ApprovalRequest:
    """A tool call waiting for a human."""

    id: str
    task_id: str
    tool: str
    arguments: dict[str, object]


class Approver(Protocol):
    """Asks a human about a tool call (the CLI prompts, the TUI shows a dialog...)."""

    async def ask(self, request: ApprovalRequest) -> Decision:
        """Return the human's decision."""
        ...


@dataclass
class PendingApprovals:
    """Approval requests waiting for an answer from any front-end.

    The loop calls :meth:`ask`; an ``approval`` event tells every client; whichever client
    answers first (``engine.approve(id, decision)``) resumes the loop. "always" is
    remembered per task and tool.
    """

    _waiting: dict[str, tuple[ApprovalRequest, asyncio.Future[Decision]]] = field(
        default_factory=dict)
    _always: set[tuple[str, str]] = field(default_factory=set)

    def allowed_always(self, task_id: str, tool: str) -> bool:
        """Whether the user already said "always" for this tool in this task."""
        return (task_id, tool) in self._always

    def open(self, task_id: str, tool: str, arguments: dict[str, object]) -> ApprovalRequest:
        """Register a request; :meth:`wait` then blocks until it is answered."""
        request = ApprovalRequest(uuid.uuid4().hex[:16], task_id, tool, arguments)
        self._waiting[request.id] = (request, asyncio.get_running_loop().create_future())
        return request

    async def wait(self, request: ApprovalRequest) -> Decision:
        """Wait for the answer to an open request."""
        _, future = self._waiting[request.id]
        try:
            decision = await future
        finally:
            self._waiting.pop(request.id, None)
        if decision == "always":
            self._always.add((request.task_id, request.tool))
        return decision

    def answer(self, approval_id: str, decision: str) -> ApprovalRequest:
        """Resolve a waiting request.

        Raises:
            NotFoundError: no such pending request.
            UsageError: the decision is not once / always / deny.
        """
        if decision not in APPROVAL_DECISIONS:
            raise UsageError(f"decision must be one of {', '.join(APPROVAL_DECISIONS)}")
        entry = self._waiting.get(approval_id)
        if entry is None:
            raise NotFoundError(f"no pending approval {approval_id}")
        request, future = entry
        if not future.done():
            future.set_result(decision)  # type: ignore[arg-type]
        return request

    def pending(self, task_id: str | None = None) -> list[ApprovalRequest]:
        """Requests still waiting, optionally for one task."""
        return [r for r, _ in self._waiting.values() if task_id is None or r.task_id == task_id]
