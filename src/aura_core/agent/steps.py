"""The two halves of a step: one model call (streamed into events) and the tools it asked for."""

from __future__ import annotations

import asyncio
import time

from aura_core.agent import compaction
from aura_core.agent.spec import Emit, RunSpec
from aura_core.agent.transcript import Transcript
from aura_core.events import result_preview
from aura_core.messages import Message, ToolCall
from aura_core.providers.base import (
    ModelRequest,
    Stop,
    TextDelta,
    ThinkingDelta,
    ToolCallPart,
    Usage,
)
from aura_core.store.usage import UsageRecord, UsageStore
from aura_core.tools.registry import ToolResult

__all__ = ["call_model", "replayable", "run_tools"]


async def call_model(
    spec: RunSpec, transcript: Transcript, usage: UsageStore, emit: Emit, tools_on: bool,
    extra: list[Message] | None = None,
) -> Message:
    """One model call; streams events and returns the assistant message (not yet stored).

    Args:
        spec: the run.
        transcript: the history sent (after the latest compaction summary).
        usage: where the call's usage row goes (batched; rebuilt from its event after a crash).
        emit: publishes ``text``, ``thinking``, ``usage`` and ``status`` events.
        tools_on: whether the model may call tools.
        extra: messages appended for this call only (never stored).
    """
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


async def run_tools(
    spec: RunSpec, calls: list[ToolCall], transcript: Transcript, emit: Emit
) -> None:
    """Run the calls (at most ``max_concurrent_tools`` at once), committing each result.

    Args:
        spec: the run.
        calls: the tool calls of the assistant message just added to ``transcript``.
        transcript: where each result is committed as it arrives.
        emit: publishes ``approval`` and ``tool_result`` events.
    """
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
            await emit("tool_result", {
                "id": call.id, "name": call.name, "content": result_preview(result.content),
                "is_error": result.is_error, "duration_ms": round(duration, 1),
            })

    await asyncio.gather(*(one(c) for c in calls))


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


def replayable(spec: RunSpec, calls: list[ToolCall]) -> bool:
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


