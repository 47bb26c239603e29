"""Context compaction: summarise older history when the context window fills up.

The transcript itself is never rewritten: a compaction stores a summary covering messages
``0..upto_idx`` in task memory, and the model is sent that summary plus the messages after
it. A resumed task therefore continues from the compacted state.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from aura_core.memory.extract import file_operation_facts
from aura_core.messages import Message
from aura_core.providers.base import ModelRequest, Provider, Sampling, TextDelta
from aura_core.store.memory import MemoryStore, TaskMemory

__all__ = [
    "COMPACT_AT", "CompactionResult", "choose_cut", "compact", "estimate_tokens", "model_view",
    "view_from",
]

#: Fraction of the context window at which compaction starts.
COMPACT_AT = 0.70
#: Fraction of the window the kept recent messages may fill.
KEEP_FRACTION = 0.30
MAX_FAILURES = 3
SUMMARY_PROMPT = (
    "Summarise the conversation below so an AI agent can continue the task without it. Keep: "
    "the user's goal and constraints, decisions made, files read or changed (paths), commands "
    "run and their outcomes, errors met, and what remains to do. Be concise and factual."
)


@dataclass(slots=True)
class CompactionResult:
    """What a compaction did."""

    method: str  # "summary" or "truncation"
    dropped: int
    upto_idx: int
    tokens_before: int
    tokens_after: int


def _message_tokens(m: Message) -> int:
    size = len(m.content) + len(m.thinking)
    if m.tool_calls:
        size += len(json.dumps([c.to_dict() for c in m.tool_calls]))
    return size // 4 + 4


def estimate_tokens(messages: Sequence[Message]) -> int:
    """A cheap token estimate (about four characters a token, plus per-message overhead)."""
    return sum(_message_tokens(m) for m in messages)


def model_view(history: list[Message], memory: MemoryStore | None, task_id: str) -> list[Message]:
    """The messages to send: the latest compaction summary plus what came after it."""
    if memory is None:
        return history
    return view_from(history, memory.latest_task_memory(task_id, "compaction"))


def view_from(history: list[Message], state: TaskMemory | None) -> list[Message]:
    """The messages to send given the compaction ``state`` (None: never compacted)."""
    if state is None:
        return history
    summary = Message(role="user", content=state.content)
    return [summary, *history[state.upto_idx + 1:]]


def choose_cut(history: Sequence[Message], start: int, keep_tokens: int) -> int:
    """Index of the first message to keep, so that tool_use/tool_result pairs stay whole.

    Keeps the most recent messages within ``keep_tokens`` (at least the last one), never
    starts the kept part with a tool result, and returns ``start`` when nothing can go.
    """
    cut = len(history)
    kept = 0
    for i in range(len(history) - 1, start, -1):
        kept += _message_tokens(history[i])
        if kept > keep_tokens and cut < len(history):
            break
        cut = i
    # a kept tool result needs the assistant message that asked for it: move back to it
    while cut > start and cut < len(history) and history[cut].role == "tool":
        cut -= 1
    return max(cut, start)


def _transcript(messages: Sequence[Message]) -> str:
    out = []
    for m in messages:
        calls = "".join(f" [tool call {c.name} {json.dumps(c.arguments)[:300]}]" for c in m.tool_calls)
        body = m.content if len(m.content) < 3000 else m.content[:3000] + " …"
        out.append(f"{m.role}{' ' + m.name if m.name else ''}: {body}{calls}")
    return "\n".join(out)


async def _summarise(provider: Provider, model: str, messages: Sequence[Message]) -> str:
    request = ModelRequest(
        model=model,
        messages=[Message(role="system", content=SUMMARY_PROMPT),
                  Message(role="user", content=_transcript(messages))],
        sampling=Sampling(temperature=0.0, max_tokens=800),
    )
    text = "".join([p.text async for p in provider.stream(request) if isinstance(p, TextDelta)])
    if not text.strip():
        raise ValueError("the model returned an empty summary")
    return text.strip()


async def compact(
    *, task_id: str, history: list[Message], memory: MemoryStore, provider: Provider,
    model: str, window: int, truncate_only: bool, project: str | None = None,
) -> CompactionResult | None:
    """Compact the task's history; None when there is nothing to drop.

    Summarises with the model unless ``truncate_only``; a failed summary falls back to
    truncation and is recorded, and after three failures in a row the task stays on
    truncation (``compaction_mode`` = ``truncate`` in task memory).
    """
    previous = memory.latest_task_memory(task_id, "compaction")
    start = previous.upto_idx + 1 if previous else 1  # message 0 is the task itself
    before = estimate_tokens(model_view(history, memory, task_id))
    cut = choose_cut(history, start, int(window * KEEP_FRACTION))
    if cut <= start:
        return None
    dropped = history[start:cut]
    for fact in file_operation_facts(dropped, project, task_id):
        memory.add_fact(fact)  # flush what the dropped messages taught before they go
    task_text = history[0].content if history else ""
    method = "truncation"
    body = f"[{len(dropped)} earlier messages were dropped to fit the context window.]"
    if not truncate_only:
        try:
            older = [Message(role="user", content=previous.content)] if previous else []
            body = await _summarise(provider, model, [*older, *dropped])
            method = "summary"
            memory.add_task_memory(task_id, "compaction_failures", "0")
        except Exception as exc:  # noqa: BLE001 - any failure falls back to truncation
            failures = _failures(memory, task_id) + 1
            memory.add_task_memory(task_id, "compaction_failures", str(failures))
            if failures >= MAX_FAILURES:
                memory.add_task_memory(task_id, "compaction_mode", "truncate")
            body += f" (summary failed: {type(exc).__name__})"
    content = (f"The task, as first given:\n{task_text}\n\n"
               f"Summary of the work so far (earlier messages were compacted):\n{body}")
    memory.add_task_memory(task_id, "compaction", content, upto_idx=cut - 1)
    after = estimate_tokens(model_view(history, memory, task_id))
    return CompactionResult(method, len(dropped), cut - 1, before, after)


def _failures(memory: MemoryStore, task_id: str) -> int:
    state = memory.latest_task_memory(task_id, "compaction_failures")
    return int(state.content) if state and state.content.isdigit() else 0


def truncate_only(memory: MemoryStore, task_id: str) -> bool:
    """Whether the task has switched to truncation after repeated summary failures."""
    mode = memory.latest_task_memory(task_id, "compaction_mode")
    return bool(mode and mode.content == "truncate")
