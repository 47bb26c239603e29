"""The agent loop: call the model, run the tools it asks for, repeat until a final answer."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Literal

from aura_core.agent import compaction
from aura_core.agent.context import PLAN_INSTRUCTION
from aura_core.approval import PendingApprovals
from aura_core.errors import AuraError, BudgetExceeded, ProviderError
from aura_core.events import Event, EventType, JSONValue
from aura_core.messages import Message, ToolCall
from aura_core.providers.base import (
    ModelRequest,
    Provider,
    Sampling,
    Stop,
    TextDelta,
    ThinkingDelta,
    ThinkingLevel,
    ToolCallPart,
    Usage,
)
from aura_core.store.memory import MemoryStore, TaskMemory
from aura_core.store.tasks import TaskStore
from aura_core.store.usage import UsageRecord, UsageStore
from aura_core.tools.registry import ToolContext, ToolRegistry, ToolResult

__all__ = ["Emit", "RunOutcome", "RunSpec", "run_agent", "INTERRUPTED_TOOL_NOTICE"]

Emit = Callable[[EventType, dict[str, JSONValue]], Awaitable[Event]]
CostFn = Callable[[str, str, Usage], float]
Outcome = Literal["completed", "failed", "interrupted"]

#: What the model is told about a tool call that was running when Aura stopped.
INTERRUPTED_TOOL_NOTICE = (
    "This tool call was still running when Aura stopped, so its result was lost. It has NOT "
    "been run again; its effects, if any, are unknown. Check the state before repeating it."
)
_EVENT_RESULT_CAP = 4000
#: Sent (not stored) when a model repeats identical tool calls.
STUCK_NOTICE = (
    "You already made that exact tool call and its result is above. Do not call it again: "
    "answer the task now from the results you have."
)


def _signature(calls: list[ToolCall]) -> str | None:
    if not calls:
        return None
    return json.dumps(sorted([c.name, c.arguments] for c in calls), sort_keys=True, default=str)


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


class Transcript:
    """The task's messages, loaded once and kept in step with the store as they are added."""

    def __init__(self, store: TaskStore, task_id: str, memory: MemoryStore | None = None) -> None:
        self.store = store
        self.task_id = task_id
        self.messages: list[Message] = store.messages(task_id)
        self._tokens = [compaction.estimate_tokens([m]) for m in self.messages]
        self._memory = memory
        #: The latest compaction (summary and the last index it covers), or None. Only the
        #: running loop compacts a running task, so it is read once and refreshed after each.
        self.compaction: TaskMemory | None = None
        self.reload_compaction()

    def reload_compaction(self) -> None:
        """Re-read the compaction state (after this loop compacted)."""
        if self._memory is not None:
            self.compaction = self._memory.latest_task_memory(self.task_id, "compaction")

    def add(self, message: Message, *, commit: bool = True) -> None:
        """Commit a message to the store (or, with ``commit=False``, with its next write)."""
        if commit:
            self.store.add_message(self.task_id, message)
        else:
            self.store.add_message_later(self.task_id, message)
        self.messages.append(message)
        self._tokens.append(compaction.estimate_tokens([message]))

    def tokens_from(self, start: int) -> int:
        """Estimated tokens of the messages from index ``start`` on."""
        return sum(self._tokens[start:])


def repair_transcript(messages: list[Message]) -> list[Message]:
    """Tool results for calls that never got one (the process died while they ran).

    Returns:
        The tool messages to append, each telling the model the call was not re-run.
    """
    if not messages:
        return []
    answered = {m.tool_call_id for m in messages if m.role == "tool"}
    last_assistant = next((m for m in reversed(messages) if m.role == "assistant"), None)
    if last_assistant is None:
        return []
    return [
        Message(role="tool", content=INTERRUPTED_TOOL_NOTICE, tool_call_id=call.id,
                name=call.name, is_error=True)
        for call in last_assistant.tool_calls
        if call.id not in answered
    ]


async def _call_model(
    spec: RunSpec, transcript: Transcript, usage: UsageStore, emit: Emit, tools_on: bool,
    extra: list[Message] | None = None,
) -> Message:
    """One model call; streams events and returns the assistant message (not yet stored)."""
    history = compaction.view_from(transcript.messages, transcript.compaction)
    messages = [Message(role="system", content=spec.system_prompt), *history, *(extra or [])]
    request = ModelRequest(
        model=spec.model,
        messages=messages,
        tools=spec.tools.specs() if tools_on else [],
        sampling=spec.sampling,
        thinking=spec.thinking,
    )
    text: list[str] = []
    thinking: list[str] = []
    calls: list[ToolCall] = []
    started = time.perf_counter()
    ttft: float | None = None
    async for part in spec.provider.stream(request):
        if isinstance(part, TextDelta | ThinkingDelta) and ttft is None:
            ttft = (time.perf_counter() - started) * 1000
        if isinstance(part, TextDelta):
            text.append(part.text)
            await emit("text", {"text": part.text})
        elif isinstance(part, ThinkingDelta):
            thinking.append(part.text)
            await emit("thinking", {"text": part.text})
        elif isinstance(part, ToolCallPart):
            if ttft is None:
                ttft = (time.perf_counter() - started) * 1000
            calls.append(part.call)
        elif isinstance(part, Usage):
            latency = (time.perf_counter() - started) * 1000
            cost = spec.cost(spec.provider.name, spec.model, part)
            event = await emit("usage", {
                "provider": spec.provider.name, "model": spec.model,
                "input_tokens": part.input_tokens, "output_tokens": part.output_tokens,
                "cache_read_tokens": part.cache_read_tokens,
                "cache_write_tokens": part.cache_write_tokens,
                "cost": cost, "ttft_ms": round(ttft, 1) if ttft is not None else None,
                "latency_ms": round(latency, 1),
            })
            # the event is committed with the reply; the row follows in the next batch and
            # is rebuilt from the event if the process dies first
            usage.record(UsageRecord(
                task_id=spec.task_id, provider=spec.provider.name, model=spec.model,
                input_tokens=part.input_tokens, output_tokens=part.output_tokens,
                cache_read_tokens=part.cache_read_tokens,
                cache_write_tokens=part.cache_write_tokens,
                cost=cost, latency_ms=latency, ttft_ms=ttft, event_seq=event.seq,
            ), batched=True)
        elif isinstance(part, Stop) and part.reason == "max_tokens" and not calls:
            await emit("status", {"status": "executing",
                                  "message": "the model stopped at its token limit"})
    return Message(role="assistant", content="".join(text), tool_calls=calls,
                   thinking="".join(thinking))


async def _run_tools(
    spec: RunSpec, calls: list[ToolCall], transcript: Transcript, emit: Emit
) -> None:
    """Run the calls (at most ``max_concurrent_tools`` at once), committing each result."""
    gate = asyncio.Semaphore(max(1, spec.max_concurrent_tools))

    async def one(call: ToolCall) -> None:
        async with gate:
            started = time.perf_counter()
            found = spec.tools.get(call.name)
            if found is None:
                known = ", ".join(spec.tools.names()) or "none"
                result = ToolResult(f"unknown tool: {call.name} (available: {known})", True)
            elif not await _approved(spec, call, emit):
                result = ToolResult("The user denied this tool call. Do not retry it; ask or "
                                    "take another approach.", is_error=True)
            else:
                result = await found.run(call.arguments, spec.tool_ctx)
            duration = (time.perf_counter() - started) * 1000
            transcript.add(Message(
                role="tool", content=result.content, tool_call_id=call.id, name=call.name,
                is_error=result.is_error))
            shown = result.content
            if len(shown) > _EVENT_RESULT_CAP:
                shown = shown[:_EVENT_RESULT_CAP] + f"\n[... {len(result.content)} characters]"
            await emit("tool_result", {
                "id": call.id, "name": call.name, "content": shown,
                "is_error": result.is_error, "duration_ms": round(duration, 1),
            })

    await asyncio.gather(*(one(c) for c in calls))


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


async def _approved(spec: RunSpec, call: ToolCall, emit: Emit) -> bool:
    """Ask for approval when the tool needs it; True when the call may run."""
    approvals = spec.approvals
    if approvals is None or call.name not in spec.require_approval:
        return True
    if approvals.allowed_always(spec.task_id, call.name):
        return True
    request = approvals.open(spec.task_id, call.name, call.arguments)
    await emit("approval", {"approval_id": request.id, "id": call.id, "tool": call.name,
                            "arguments": call.arguments, "decision": None})
    decision = await approvals.wait(request)
    await emit("approval", {"approval_id": request.id, "id": call.id, "tool": call.name,
                            "arguments": call.arguments, "decision": decision})
    return decision != "deny"


def _replayable(spec: RunSpec, calls: list[ToolCall]) -> bool:
    """Whether every call is to a read-only tool that needs no approval.

    Such a step may lose its assistant message in a crash: the model is simply asked again,
    and no call with side effects can run twice.
    """
    if not calls:
        return False
    for call in calls:
        found = spec.tools.get(call.name)
        if found is None or not found.read_only or call.name in spec.require_approval:
            return False
    return True


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
                                   "content": fix.content, "is_error": True, "duration_ms": 0})
    tools_on = spec.mode != "chat" and len(spec.tools) > 0
    try:
        if spec.mode == "plan" and not any(m.role == "assistant" for m in transcript.messages):
            _check_budget(spec, usage)
            plan = await _call_model(spec, transcript, usage, emit, tools_on=False,
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
                reply = await _call_model(spec, transcript, usage, emit, tools_on=False,
                                          extra=[Message(role="user", content=STUCK_NOTICE)])
                reply.tool_calls = []
            else:
                reply = await _call_model(spec, transcript, usage, emit, tools_on)
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
            transcript.add(reply, commit=not _replayable(spec, reply.tool_calls))
            last_text = reply.content
            if not reply.tool_calls:
                return RunOutcome("completed", result=last_text)
            await _run_tools(spec, reply.tool_calls, transcript, emit)
        return RunOutcome("failed", reason="max_steps",
                          error=f"stopped after {spec.max_steps} steps without a final answer",
                          result=last_text)
    except BudgetExceeded as exc:
        return RunOutcome("failed", reason="budget", error=exc.message)
    except ProviderError as exc:
        return RunOutcome("failed", reason="provider", error=exc.message)
    except AuraError as exc:
        return RunOutcome("failed", reason=exc.code.lower(), error=exc.message)
