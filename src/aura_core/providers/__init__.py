"""Model providers: one adapter per wire format behind the :class:`Provider` protocol."""

from aura_core.providers.base import (
    ModelRequest,
    Provider,
    StreamPart,
    TextDelta,
    ThinkingDelta,
    ToolCallPart,
    Usage,
    Stop,
)

__all__ = [
    "ModelRequest",
    "Provider",
    "Stop",
    "StreamPart",
    "TextDelta",
    "ThinkingDelta",
    "ToolCallPart",
    "Usage",
]
