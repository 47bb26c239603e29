"""A provider that replays a script of turns: deterministic tests, demos and benchmarks."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path

from aura_core.errors import NotFoundError, ProviderError
from aura_core.messages import ToolCall
from aura_core.providers.base import (
    ModelRequest,
    Stop,
    StreamPart,
    TextDelta,
    ThinkingDelta,
    ToolCallPart,
    Usage,
)

__all__ = ["ScriptedProvider", "Turn", "load_script"]


@dataclass(slots=True)
class Turn:
    """One scripted model reply.

    Attributes:
        text: answer text, streamed word by word.
        thinking: reasoning text streamed before the answer.
        tool_calls: ``{"name": ..., "arguments": {...}}`` objects.
        delay: seconds to wait before replying (simulates a slow model).
        error: when set, raise a ProviderError of this kind instead of replying.
        input_tokens / output_tokens: reported usage (estimated from text when 0).
    """

    text: str = ""
    thinking: str = ""
    tool_calls: list[dict[str, object]] = field(default_factory=list)
    delay: float = 0.0
    error: str | None = None
    input_tokens: int = 0
    output_tokens: int = 0


def load_script(path: Path) -> list[Turn]:
    """Read a script: a JSON list of turn objects (or ``{"turns": [...]}``).

    Raises:
        NotFoundError: the file does not exist.
        ProviderError: the file is not a valid script.
    """
    if not path.exists():
        raise NotFoundError(f"script not found: {path}")
    try:
        raw = json.loads(path.read_text())
        turns = raw["turns"] if isinstance(raw, dict) else raw
        return [Turn(**t) for t in turns]
    except (json.JSONDecodeError, TypeError, KeyError) as exc:
        raise ProviderError(f"invalid script {path}: {exc}", kind="bad_request",
                            provider="scripted") from exc


class ScriptedProvider:
    """Replays turns; the turn is chosen by how many assistant turns the transcript has.

    Choosing by transcript position (not by call count) makes a resumed task in a new process
    continue the script where the old one stopped.
    """

    def __init__(
        self,
        turns: list[Turn] | Callable[[ModelRequest], Turn],
        *,
        name: str = "scripted",
        final_text: str = "Done.",
    ) -> None:
        self.name = name
        self._turns = turns
        self._final = final_text
        #: Every request received, for tests to assert on.
        self.requests: list[ModelRequest] = []

    def _pick(self, request: ModelRequest) -> Turn:
        if callable(self._turns):
            return self._turns(request)
        done = sum(1 for m in request.messages if m.role == "assistant")
        if done < len(self._turns):
            return self._turns[done]
        return Turn(text=self._final)

    async def stream(self, request: ModelRequest) -> AsyncIterator[StreamPart]:
        """Replay the next turn as stream parts."""
        self.requests.append(request)
        turn = self._pick(request)
        if turn.delay:
            await asyncio.sleep(turn.delay)
        if turn.error:
            raise ProviderError(f"{self.name}: scripted {turn.error} error",
                                kind=turn.error, provider=self.name)  # type: ignore[arg-type]
        if turn.thinking:
            yield ThinkingDelta(turn.thinking)
        words = turn.text.split(" ") if turn.text else []
        for i, word in enumerate(words):
            yield TextDelta(word if i == 0 else " " + word)
        for call in turn.tool_calls:
            args = call.get("arguments") or {}
            yield ToolCallPart(ToolCall(
                id=str(call.get("id") or f"call_{uuid.uuid4().hex[:12]}"),
                name=str(call["name"]),
                arguments=dict(args),  # type: ignore[arg-type]
            ))
        prompt_chars = sum(len(m.content) for m in request.messages)
        yield Usage(
            input_tokens=turn.input_tokens or max(1, prompt_chars // 4),
            output_tokens=turn.output_tokens or max(1, len(turn.text) // 4),
        )
        yield Stop("tool_calls" if turn.tool_calls else "end")
