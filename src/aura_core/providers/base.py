"""The provider protocol: a model request in, a stream of typed parts out."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Literal, Protocol, runtime_checkable

from aura_core.errors import ProviderError
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
    "ToolChoice",
    "Usage",
    "forced_tool",
]

ThinkingLevel = Literal["off", "low", "medium", "high"]
ToolChoice = Literal["auto", "required", "none"]
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
        tool_choice: whether the model may use ``tools``: ``auto`` (it decides between a tool
            call and an answer), ``required`` (it must call at least one tool) or ``none`` (it
            must answer in text). Ignored when ``tools`` is empty.
        force_tool: the name of one tool in ``tools`` the model must call; it implies
            ``required``. Adapters whose wire API cannot force a call (Ollama) send the tools
            as for ``auto``. See :func:`forced_tool` for the checks every adapter applies.
    """

    model: str
    messages: list[Message]
    tools: list[ToolSpec] = field(default_factory=list)
    sampling: Sampling = field(default_factory=Sampling)
    thinking: ThinkingLevel = "off"
    tool_choice: ToolChoice = "auto"
    force_tool: str | None = None


def forced_tool(request: ModelRequest, provider: str = "") -> ToolSpec | None:
    """Check a request's ``tool_choice`` and ``force_tool`` and find the forced tool.

    Args:
        request: the model call.
        provider: the provider's name, for the error.

    Returns:
        The spec of the tool ``force_tool`` names, or None when no single tool is forced.

    Raises:
        ProviderError: (``bad_request``) ``force_tool`` names no tool in ``tools`` or comes
            with ``tool_choice="none"``, or ``required`` comes without any tools.
    """
    if request.force_tool is None:
        if request.tool_choice == "required" and not request.tools:
            raise ProviderError(
                'tool_choice="required" needs at least one tool in the request',
                kind="bad_request",
                provider=provider,
            )
        return None
    if request.tool_choice == "none":
        raise ProviderError(
            f'force_tool={request.force_tool!r} contradicts tool_choice="none"',
            kind="bad_request",
            provider=provider,
        )
    spec = next((t for t in request.tools if t.name == request.force_tool), None)
    if spec is None:
        offered = ", ".join(t.name for t in request.tools) or "none"
        raise ProviderError(
            f"force_tool={request.force_tool!r} is not one of the request's tools ({offered})",
            kind="bad_request",
            provider=provider,
        )
    return spec


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
