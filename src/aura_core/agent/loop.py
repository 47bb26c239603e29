"""The agent loop: call the model, run the tools it asks for, repeat until a final answer."""

from __future__ import annotations

import json

from aura_core.agent import compaction
from aura_core.agent.context import PLAN_INSTRUCTION
from aura_core.agent.spec import Emit, RunOutcome, RunSpec
from aura_core.agent.steps import call_model, replayable, run_tools
from aura_core.agent.transcript import INTERRUPTED_TOOL_NOTICE, Transcript, repair_transcript
from aura_core.errors import AuraError, BudgetExceeded, ProviderError
from aura_core.events import result_preview
from aura_core.messages import Message, ToolCall
from aura_core.store.tasks import TaskStore
from aura_core.store.usage import UsageStore

__all__ = [
    "Emit", "INTERRUPTED_TOOL_NOTICE", "RunOutcome", "RunSpec", "Transcript", "maybe_compact",
    "repair_transcript", "run_agent",
]

#: Sent (not stored) when a model repeats identical tool calls.
STUCK_NOTICE = (
    "You already made that exact tool call and its result is above. Do not call it again: "
    "answer the task now from the results you have."
)


def _signature(calls: list[ToolCall]) -> str | None:
    if not calls:
        return None
    return json.dumps(sorted([c.name, c.arguments] for c in calls), sort_keys=True, default=str)


async def maybe_compact(spec: RunSpec, transcript: Transcript, emit: Emit, *, force: bool = False
                        ) -> compaction.CompactionResult | None:
    """Compact when the next request would pass 70% of the context window (or when forced)."""
    if spec.memory is None or (spec.context_window <= 0 and not force):
        return None
    history = transcript.messages
    state = transcript.compaction
    start = state.upto_idx + 1 if state else 0
    used = (transcript.tokens_from(start) + (len(state.content) // 4 if state else 0)
            + len(spec.system_prompt) // 4)
    window = spec.context_window or transcript.tokens_from(0) * 2
    if not force and used < window * compaction.COMPACT_AT:
        return None
    result = await compaction.compact(
        task_id=spec.task_id, history=history, memory=spec.memory, provider=spec.provider,
        model=spec.model, window=window,
        truncate_only=compaction.truncate_only(spec.memory, spec.task_id), project=spec.project,
    )
    if result is not None:
        transcript.reload_compaction()
        await emit("status", {
            "status": "executing",
            "message": f"compacted {result.dropped} older messages ({result.method}): "
                       f"~{result.tokens_before} → ~{result.tokens_after} tokens",
            "compaction": {"method": result.method, "dropped": result.dropped,
                           "upto_idx": result.upto_idx, "tokens_before": result.tokens_before,
                           "tokens_after": result.tokens_after, "window": window},
        })
    return result


def _check_budget(spec: RunSpec, usage: UsageStore) -> None:
    if spec.budget is not None:
        spent = usage.task_cost(spec.task_id)
        if spent >= spec.budget:
            raise BudgetExceeded(
                f"budget reached: spent ${spent:.4f} of ${spec.budget:.4f}", code="BUDGET")


async def run_agent(spec: RunSpec, store: TaskStore, usage: UsageStore, emit: Emit) -> RunOutcome:
    """Run the loop until a final answer, an error, the step limit or cancellation.

    The transcript must already hold the user's message. Every assistant message is stored
    before its tools run, and every tool result as soon as its tool returns, so a crash loses
    at most the model call in flight.
    """
    transcript = Transcript(store, spec.task_id, spec.memory)
    for fix in repair_transcript(transcript.messages):
        transcript.add(fix)
        await emit("tool_result", {"id": fix.tool_call_id, "name": fix.name,
                                   "content": result_preview(fix.content), "is_error": True,
                                   "duration_ms": 0})
    tools_on = spec.mode != "chat" and len(spec.tools) > 0
    try:
        if spec.mode == "plan" and not any(m.role == "assistant" for m in transcript.messages):
            _check_budget(spec, usage)
            plan = await call_model(spec, transcript, usage, emit, tools_on=False,
                                     extra=[Message(role="user", content=PLAN_INSTRUCTION)])
            plan.tool_calls = []
            transcript.add(Message(role="user", content=PLAN_INSTRUCTION))
            transcript.add(plan)
            steps = [ln.strip() for ln in plan.content.splitlines() if ln.strip()]
            await emit("plan", {"text": plan.content, "steps": steps})  # type: ignore[dict-item]
            transcript.add(Message(role="user", content="Now carry out the plan."))
        last_text = ""
        previous: str | None = None
        stuck = False
        for _step in range(spec.max_steps):
            _check_budget(spec, usage)
            await maybe_compact(spec, transcript, emit)
            if stuck:
                # the same calls twice in a row: the model is looping; ask for the answer
                await emit("status", {"status": "executing", "message":
                                      "the model repeated the same tool call; asking it to answer"})
                reply = await call_model(spec, transcript, usage, emit, tools_on=False,
                                          extra=[Message(role="user", content=STUCK_NOTICE)])
                reply.tool_calls = []
            else:
                reply = await call_model(spec, transcript, usage, emit, tools_on)
            if not tools_on:
                reply.tool_calls = []
            signature = _signature(reply.tool_calls)
            stuck = signature is not None and signature == previous
            previous = signature
            for call in reply.tool_calls:
                await emit("tool_use", {"id": call.id, "name": call.name,
                                        "arguments": call.arguments})
            # the reply is committed with its usage and events in one write: before its tools
            # run, or with the first result when every call is safe to repeat after a crash
            transcript.add(reply, commit=not replayable(spec, reply.tool_calls))
            last_text = reply.content
            if not reply.tool_calls:
                return RunOutcome("completed", result=last_text)
            await run_tools(spec, reply.tool_calls, transcript, emit)
        return RunOutcome("failed", reason="max_steps",
                          error=f"stopped after {spec.max_steps} steps without a final answer",
                          result=last_text)
    except BudgetExceeded as exc:
        return RunOutcome("failed", reason="budget", error=exc.message)
    except ProviderError as exc:
        return RunOutcome("failed", reason="provider", error=exc.message)
    except AuraError as exc:
        return RunOutcome("failed", reason=exc.code.lower(), error=exc.message)
