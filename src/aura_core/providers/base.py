"""The provider protocol: a model request in, a stream of typed parts out."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Literal, Protocol, runtime_checkable

from aura_core.messages import Message, ToolCall, ToolSpec

__all__ = [
    "ModelRequest",
    "Provider",
    "Sampling",
    "Stop",
    "StopReason",
    "StreamPart",
    "TextDelta",
    "ThinkingDelta",
    "ThinkingLevel",
    "ToolCallPart",
    "Usage",
]

ThinkingLevel = Literal["off", "low", "medium", "high"]
StopReason = Literal["end", "tool_calls", "max_tokens", "stop_sequence", "cancelled", "error"]


@dataclass(slots=True)
class Sampling:
    """Sampling parameters; ``None`` leaves the provider's default."""

    temperature: float | None = None
    top_p: float | None = None
    top_k: int | None = None
    min_p: float | None = None
    repeat_penalty: float | None = None
    max_tokens: int | None = None
    seed: int | None = None


@dataclass(slots=True)
class ModelRequest:
    """Everything a provider needs for one model call.

    Attributes:
        model: the model name within the provider (no ``provider:`` prefix).
        messages: the transcript, system message first when there is one.
        tools: tools the model may call; empty means plain chat.
        sampling: sampling parameters.
        thinking: requested reasoning effort.
    """

    model: str
    messages: list[Message]
    tools: list[ToolSpec] = field(default_factory=list)
    sampling: Sampling = field(default_factory=Sampling)
    thinking: ThinkingLevel = "off"


@dataclass(slots=True, frozen=True)
class TextDelta:
    """A piece of the answer text."""

    text: str


@dataclass(slots=True, frozen=True)
class ThinkingDelta:
    """A piece of reasoning text."""

    text: str


@dataclass(slots=True, frozen=True)
class ToolCallPart:
    """One complete tool call (adapters assemble streamed argument fragments first)."""

    call: ToolCall


@dataclass(slots=True, frozen=True)
class Usage:
    """Token counts for the call; sent once, near the end of the stream."""

    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0


@dataclass(slots=True, frozen=True)
class Stop:
    """The last part of every stream: why the model stopped."""

    reason: StopReason


StreamPart = TextDelta | ThinkingDelta | ToolCallPart | Usage | Stop


@runtime_checkable
class Provider(Protocol):
    """A model source. Implementations raise :class:`aura_core.errors.ProviderError`."""

    name: str

    def stream(self, request: ModelRequest) -> AsyncIterator[StreamPart]:
        """Stream the model's reply to ``request``; the last part is a :class:`Stop`."""
        ...
