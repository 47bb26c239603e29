"""Learn facts from a finished task: an LLM extraction call plus pattern detection."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from aura_core.messages import Message
from aura_core.providers.base import ModelRequest, Provider, Sampling, TextDelta
from aura_core.store.memory import FACT_CATEGORIES, Fact

__all__ = [
    "EXTRACTION_PROMPT", "detect_feedback", "file_operation_facts", "llm_extract",
    "normalise_fact",
]

#: Confidence each category is stored at (ranges are clamped), from the memory design.
CONFIDENCE: dict[str, tuple[float, float]] = {
    "preference": (0.9, 0.9),
    "correction": (0.95, 0.95),
    "reinforcement": (0.9, 0.9),
    "knowledge": (0.6, 0.9),
    "file_operation": (0.7, 0.7),
    "context": (0.6, 0.8),
    "behavior": (0.7, 0.7),
    "goal": (0.7, 0.7),
}
GLOBAL_CATEGORIES = frozenset({"preference"})

EXTRACTION_PROMPT = (
    "You extract durable facts worth remembering from a conversation between a user and an "
    "AI agent. Reply with a JSON array only, no prose. Each item: {\"category\": one of "
    + ", ".join(FACT_CATEGORIES)
    + ", \"content\": one short sentence, \"confidence\": 0..1}. Use \"correction\" when the "
    "user corrected the agent, \"reinforcement\" when the user confirmed an approach, "
    "\"preference\" for personal preferences that hold in every project. Reply [] when "
    "nothing is worth keeping."
)

_CORRECTION = re.compile(
    r"^\s*(no|nope|wrong|incorrect)\b|\binstead\b|\bdon'?t use\b|\bdo not use\b|\bnot\s+\w+\s*$"
    r"|\buse\s+\S+\s+not\s+\S+", re.I)
_REINFORCEMENT = re.compile(r"^\s*(yes|yep|perfect|great|exactly|correct)\b|\b(perfect|great job)\b",
                            re.I)
_WRITE_TOOLS = {"write_file", "edit_file"}


def normalise_fact(category: str, content: str, confidence: float | None, project: str | None,
                   task_id: str | None) -> Fact | None:
    """A fact with the category's confidence and scope, or None if it is not usable."""
    if category not in CONFIDENCE or not content.strip():
        return None
    low, high = CONFIDENCE[category]
    value = min(high, max(low, confidence if confidence is not None else high))
    scope = "global" if category in GLOBAL_CATEGORIES or project is None else "project"
    return Fact(content=content.strip()[:500], category=category, confidence=value,  # type: ignore[arg-type]
                scope=scope, project_path=project if scope == "project" else None,  # type: ignore[arg-type]
                source_task=task_id)


def detect_feedback(messages: Sequence[Message], project: str | None, task_id: str | None
                    ) -> list[Fact]:
    """Corrections and reinforcements in the user's follow-up messages, by pattern."""
    facts: list[Fact] = []
    users = [m for m in messages if m.role == "user"]
    for message in users[1:]:
        text = " ".join(message.content.split())[:300]
        if _CORRECTION.search(text):
            fact = normalise_fact("correction", f"User correction: {text}", None, project, task_id)
        elif _REINFORCEMENT.search(text):
            fact = normalise_fact("reinforcement", f"User confirmed: {text}", None, project,
                                  task_id)
        else:
            continue
        if fact:
            facts.append(fact)
    return facts


def file_operation_facts(messages: Sequence[Message], project: str | None, task_id: str | None
                         ) -> list[Fact]:
    """``File modified: PATH`` facts from the write/edit tool calls in ``messages``."""
    seen: list[str] = []
    for message in messages:
        for call in message.tool_calls:
            path = call.arguments.get("path")
            if call.name in _WRITE_TOOLS and isinstance(path, str) and path not in seen:
                seen.append(path)
    facts = [normalise_fact("file_operation", f"File modified: {p}", None, project, task_id)
             for p in seen]
    return [f for f in facts if f]


def _transcript(messages: Sequence[Message], limit: int = 12000) -> str:
    lines: list[str] = []
    for m in messages:
        if m.role == "tool":
            lines.append(f"[tool {m.name}]: {m.content[:300]}")
        else:
            calls = "".join(f" [calls {c.name} {json.dumps(c.arguments)[:200]}]" for c in m.tool_calls)
            lines.append(f"{m.role}: {m.content[:2000]}{calls}")
    text = "\n".join(lines)
    return text[-limit:]


def _parse(text: str) -> list[dict[str, object]]:
    match = re.search(r"\[.*\]", text, re.S)
    if not match:
        return []
    try:
        items = json.loads(match.group(0))
    except json.JSONDecodeError:
        return []
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


async def llm_extract(provider: Provider, model: str, messages: Sequence[Message],
                      project: str | None, task_id: str | None) -> list[Fact]:
    """Ask the model for facts worth keeping; unusable output yields no facts."""
    request = ModelRequest(
        model=model,
        messages=[Message(role="system", content=EXTRACTION_PROMPT),
                  Message(role="user", content=_transcript(messages))],
        sampling=Sampling(temperature=0.0, max_tokens=600),
    )
    chunks = [p.text async for p in provider.stream(request) if isinstance(p, TextDelta)]
    facts: list[Fact] = []
    for item in _parse("".join(chunks)):
        conf = item.get("confidence")
        fact = normalise_fact(str(item.get("category", "")), str(item.get("content", "")),
                              float(conf) if isinstance(conf, int | float) else None,
                              project, task_id)
        if fact:
            facts.append(fact)
    return facts
