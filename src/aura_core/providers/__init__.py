"""Model providers: one adapter per wire format behind the :class:`Provider` protocol."""

from aura_core.providers.base import (
    ModelRequest,
    Provider,
    Stop,
    StreamPart,
    TextDelta,
    ThinkingDelta,
    ToolCallPart,
    Usage,
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
