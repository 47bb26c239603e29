"""What one run of the agent loop needs (``RunSpec``) and how it ended (``RunOutcome``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Literal

from aura_core.approval import PendingApprovals
from aura_core.events import Event, EventType, JSONValue
from aura_core.providers.base import Provider, Sampling, ThinkingLevel, Usage
from aura_core.store.memory import MemoryStore
from aura_core.tools.registry import ToolContext, ToolRegistry

__all__ = ["CostFn", "Emit", "Outcome", "RunOutcome", "RunSpec"]

Emit = Callable[[EventType, dict[str, JSONValue]], Awaitable[Event]]
CostFn = Callable[[str, str, Usage], float]
Outcome = Literal["completed", "failed", "interrupted"]


@dataclass(slots=True)
class RunSpec:
    """Everything one run of the loop needs.

    Attributes:
        task_id: the task being run.
        provider: the model source.
        model: the model name within the provider.
        system_prompt: the system message (not stored in the transcript).
        tools: tools the model may call (empty in chat mode).
        tool_ctx: the context tools run with.
        mode: ``agent``, ``chat`` or ``plan``.
        max_steps: model calls allowed in this run.
        max_concurrent_tools: tool calls run at once.
        budget: USD the task may spend in all, or None.
        sampling / thinking: passed to the provider.
        cost: prices one call's usage in USD.
        memory: where compaction state lives; None disables compaction.
        approvals / require_approval: tools in ``require_approval`` wait for a human
            decision through ``approvals`` before they run.
        context_window: the model's window in tokens (0: never compact).
        project: the project path, for facts flushed before compaction.
    """

    task_id: str
    provider: Provider
    model: str
    system_prompt: str
    tools: ToolRegistry
    tool_ctx: ToolContext
    mode: Literal["agent", "chat", "plan"] = "agent"
    max_steps: int = 25
    max_concurrent_tools: int = 4
    budget: float | None = None
    sampling: Sampling = field(default_factory=Sampling)
    thinking: ThinkingLevel = "off"
    cost: CostFn = lambda provider, model, usage: 0.0
    memory: MemoryStore | None = None
    approvals: PendingApprovals | None = None
    require_approval: frozenset[str] = frozenset()
    context_window: int = 0
    project: str | None = None


@dataclass(slots=True)
class RunOutcome:
    """How a run ended."""

    status: Outcome
    reason: str | None = None
    error: str | None = None
    result: str = ""
