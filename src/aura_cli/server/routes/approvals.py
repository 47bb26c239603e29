"""``/api/approvals``: tool calls waiting for a human, and the answer that releases them."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.params import FromPath, JSONBody

from aura_cli.server.deps import EngineDep
from aura_cli.server.dto import ApprovalIn
from aura_cli.server.errors import ERRORS

__all__ = ["ApprovalController"]


class ApprovalController(Controller):
    """Pending approvals (announced as ``approval`` events) and their decisions."""

    path = "/api/approvals"
    tags = ["approvals"]

    @get("/", responses=ERRORS, summary="Tool calls waiting for approval")
    async def pending(self, engine: EngineDep) -> dict[str, object]:
        """Every pending approval request."""
        return {"approvals": [
            {"approval_id": r.id, "task_id": r.task_id, "tool": r.tool, "arguments": r.arguments}
            for r in engine.approvals.pending()
        ]}

    @post("/{approval_id:str}", responses=ERRORS, status_code=200,
          summary="Approve (once or always) or deny a tool call")
    async def decide(self, engine: EngineDep, approval_id: FromPath[str],
                     data: JSONBody[ApprovalIn]) -> dict[str, object]:
        """Answer a pending approval; the task continues at once."""
        engine.approve(approval_id, data.decision)
        return {"approval_id": approval_id, "decision": data.decision}
