"""One-shot task classification: what kind of work, how hard, by a model call or a heuristic."""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import dataclass
from typing import Literal, get_args

from aura_core.errors import AuraError
from aura_core.messages import Message, ToolSpec
from aura_core.providers.base import ModelRequest, Provider, Sampling, TextDelta, ToolCallPart

__all__ = [
    "KINDS",
    "ROUTE_TOOL",
    "TIERS",
    "Classification",
    "Kind",
    "Tier",
    "classify",
    "classify_with_model",
    "heuristic",
    "parse_classification",
]

Kind = Literal["single", "team", "schedule", "clarify"]
Tier = Literal["simple", "standard", "complex", "reasoning"]
KINDS: tuple[str, ...] = get_args(Kind)
TIERS: tuple[str, ...] = get_args(Tier)
Source = Literal["model", "heuristic"]

CLASSIFIER_TIMEOUT = 60.0

ROUTE_TOOL = ToolSpec(
    name="route",
    description="Record how the task should be handled.",
    parameters={
        "type": "object",
        "properties": {
            "kind": {
                "type": "string",
                "enum": list(KINDS),
                "description": "single agent, a team of roles, a schedule, or clarify",
            },
            "tier": {
                "type": "string",
                "enum": list(TIERS),
                "description": "how demanding the task is",
            },
            "score": {"type": "number", "description": "complexity from 0 to 1"},
        },
        "required": ["kind", "tier", "score"],
    },
)

_SYSTEM = """You route tasks for an agent runner. Call the `route` tool once, nothing else.
kind: single (one agent can do it), team (needs several specialist roles), schedule (must run
later or repeatedly), clarify (too vague to start).
tier: simple (a lookup, a rename, a one-line answer), standard (an ordinary edit or question),
complex (multi-file changes, design, long analysis), reasoning (proofs, hard algorithms,
deep multi-step planning).
score: complexity from 0 (trivial) to 1 (hardest).
Examples:
Task: what is 2+2
Action: {"name": "route", "arguments": {"kind": "single", "tier": "simple", "score": 0.05}}
Task: refactor the storage layer and migrate every caller
Action: {"name": "route", "arguments": {"kind": "single", "tier": "complex", "score": 0.75}}
Task: every morning at 8 summarise my inbox
Action: {"name": "route", "arguments": {"kind": "schedule", "tier": "standard", "score": 0.4}}
Task: prove the algorithm terminates and derive its complexity
Action: {"name": "route", "arguments": {"kind": "single", "tier": "reasoning", "score": 0.9}}"""


@dataclass(slots=True, frozen=True)
class Classification:
    """How a task should be handled.

    Attributes:
        kind: single agent, team, schedule or needs clarification.
        tier: complexity tier.
        score: complexity (or, for the heuristic, its estimate) from 0 to 1.
        source: ``model`` when a classifier model decided, ``heuristic`` otherwise.
        reason: a short note (the heuristic's signals, or why the model call failed).
    """

    kind: Kind
    tier: Tier
    score: float
    source: Source
    reason: str = ""

    def to_dict(self) -> dict[str, str | float]:
        """JSON-ready form."""
        return {
            "kind": self.kind,
            "tier": self.tier,
            "score": round(self.score, 3),
            "source": self.source,
            "reason": self.reason,
        }


def _tier_for(score: float) -> Tier:
    if score < 0.25:
        return "simple"
    if score < 0.5:
        return "standard"
    if score < 0.8:
        return "complex"
    return "reasoning"


def parse_classification(raw: dict[str, object] | str) -> Classification:
    """Validate a classifier's answer (tool arguments, or JSON in text).

    Raises:
        ValueError: the answer is not a valid classification.
    """
    if isinstance(raw, str):
        match = re.search(r"\{.*\}", raw, re.S)
        if not match:
            raise ValueError("no JSON object in the classifier's answer")
        raw = json.loads(match.group(0))
        if not isinstance(raw, dict):
            raise ValueError("the classifier's answer is not an object")
    kind, tier = str(raw.get("kind", "")).lower(), str(raw.get("tier", "")).lower()
    if kind not in KINDS or tier not in TIERS:
        raise ValueError(f"invalid classification: kind={kind!r} tier={tier!r}")
    try:
        score = float(raw.get("score", TIERS.index(tier) / 3))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        score = TIERS.index(tier) / 3
    return Classification(kind, tier, min(1.0, max(0.0, score)), "model")  # type: ignore[arg-type]


_REASONING = re.compile(
    r"\b(prove|proof|derive|theorem|optimal|complexity of|algorithm|"
    r"step[- ]by[- ]step|reason about|formal)\b",
    re.I,
)
_COMPLEX = re.compile(
    r"\b(refactor|architect|design|migrate|implement|integrate|debug|"
    r"across|every file|whole|end[- ]to[- ]end|security|performance|"
    r"analy[sz]e|investigate)\b",
    re.I,
)
_SCHEDULE = re.compile(
    r"\b(every (day|morning|evening|night|hour|week|monday|month)|daily|"
    r"weekly|hourly|each (day|morning|week)|cron|at \d{1,2}(:\d\d)?\s*(am|pm)?"
    r"\b.*\b(every|each)|remind me)\b",
    re.I,
)
_TEAM = re.compile(
    r"\b(team|roles?|reviewer and|several agents|multiple agents|in parallel)\b", re.I
)


def heuristic(message: str) -> Classification:
    """Classify without a model: length, code, and keywords.

    Args:
        message: the task text.

    Returns:
        A classification with ``source="heuristic"``.
    """
    text = message.strip()
    words = len(text.split())
    signals: list[str] = []
    score = min(0.3, words / 400)
    if "```" in text or text.count("\n") > 10:
        score += 0.15
        signals.append("code or long input")
    if _COMPLEX.search(text):
        score += 0.3
        signals.append("complex wording")
    if _REASONING.search(text):
        score = max(score + 0.5, 0.8)
        signals.append("reasoning wording")
    score = min(1.0, score)
    kind: Kind = "single"
    if words < 3 and "?" not in text:
        kind, score = "clarify", min(score, 0.1)
        signals.append("too short to act on")
    elif _SCHEDULE.search(text):
        kind = "schedule"
        signals.append("timing words")
    elif _TEAM.search(text):
        kind = "team"
        signals.append("team words")
    return Classification(
        kind, _tier_for(score), score, "heuristic", ", ".join(signals) or "short plain request"
    )


async def classify_with_model(
    provider: Provider, model: str, message: str, *, timeout: float = CLASSIFIER_TIMEOUT
) -> Classification:
    """Ask a model to classify ``message`` through a forced ``route`` tool call.

    Args:
        provider: the classifier's provider (local models constrain the call by grammar).
        model: the model name within the provider.
        message: the task text.
        timeout: seconds before giving up.

    Raises:
        AuraError: the provider failed.
        ValueError: the model's answer is not a valid classification.
        TimeoutError: the call took too long.
    """
    request = ModelRequest(
        model=model,
        messages=[
            Message(role="system", content=_SYSTEM),
            Message(role="user", content=f"Task: {message.strip()[:2000]}"),
        ],
        tools=[ROUTE_TOOL],
        # With `route` the only tool, "required" forces it: a local model's grammar then has
        # no prose branch, and OpenAI-compatible servers that take only string tool_choice
        # values (llama-server) accept it where a named force_tool would be refused.
        tool_choice="required",
        sampling=Sampling(temperature=0.0, max_tokens=120),
    )

    async def run() -> Classification:
        text: list[str] = []
        async for part in provider.stream(request):
            if isinstance(part, ToolCallPart) and part.call.name == "route":
                return parse_classification(part.call.arguments)
            if isinstance(part, TextDelta):
                text.append(part.text)
        return parse_classification("".join(text))

    return await asyncio.wait_for(run(), timeout)


async def classify(message: str, provider: Provider | None, model: str = "") -> Classification:
    """Classify with the model when one is given, falling back to :func:`heuristic`.

    Args:
        message: the task text.
        provider: the classifier's provider; None uses the heuristic directly.
        model: the classifier's model name.

    Returns:
        The classification; never raises for a classifier failure.
    """
    if provider is None:
        return heuristic(message)
    try:
        return await classify_with_model(provider, model, message)
    except (AuraError, ValueError, TimeoutError) as exc:
        fallback = heuristic(message)
        why = getattr(exc, "message", None) or str(exc) or type(exc).__name__
        return Classification(
            fallback.kind,
            fallback.tier,
            fallback.score,
            "heuristic",
            f"classifier failed ({why[:120]}); {fallback.reason}",
        )
