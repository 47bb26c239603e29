"""How a task's transcript and events are laid out in rows (the task log's format).

A message's rowid is ``task key << 32 | index``, so a task's transcript is one range of the
table's own b-tree. An event's JSON holds its data without the envelope its columns hold, and
a ``tool_result`` event points at the transcript's tool message instead of copying it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

from aura_core.events import Event, result_preview
from aura_core.messages import Message, ToolCall

__all__ = [
    "EVENT_COLUMNS", "INDEX_BITS", "INDEX_MASK", "MESSAGE_COLUMNS", "decode_event",
    "decode_message", "encode_event", "encode_message", "message_rowid", "transcript_range",
]

EVENT_COLUMNS = "seq, type, ts, payload"
MESSAGE_COLUMNS = "role, content, tool_calls, tool_call_id, name, thinking, is_error"
INDEX_BITS = 32
INDEX_MASK = (1 << INDEX_BITS) - 1
#: Stored in place of a ``tool_result`` event's ``content``: the index of the transcript
#: message holding the full result, which the preview is rebuilt from when read.
_RESULT_REF = "@content"


def message_rowid(num: int, idx: int) -> int:
    """The rowid of message ``idx`` of the task with key ``num``."""
    return (num << INDEX_BITS) | idx


def transcript_range(num: int) -> tuple[int, int]:
    """The first and last rowid the messages of the task with key ``num`` may have."""
    return message_rowid(num, 0), message_rowid(num, INDEX_MASK)


def encode_message(message: Message) -> list[object]:
    """A message's column values, in :data:`MESSAGE_COLUMNS` order, then ``created_at``."""
    calls = (json.dumps([c.to_dict() for c in message.tool_calls], ensure_ascii=False,
                        separators=(",", ":"))
             if message.tool_calls else None)
    return [message.role, message.content, calls, message.tool_call_id, message.name,
            message.thinking or None, int(message.is_error), time.time()]


def decode_message(role: str, content: str | None, calls: str | None, call_id: str | None,
                   name: str | None, thinking: str | None, is_error: int) -> Message:
    """A message from its :data:`MESSAGE_COLUMNS` values."""
    return Message(
        role=role,  # type: ignore[arg-type]
        content=content or "",
        tool_calls=[ToolCall.from_dict(c) for c in json.loads(calls)] if calls else [],
        tool_call_id=call_id,
        name=name,
        thinking=thinking or "",
        is_error=bool(is_error),
    )


def encode_event(event: Event, result: tuple[int, str] | None = None) -> str:
    """An event's stored JSON: its data, without the envelope its own columns hold.

    Rows stay small, so a step's commits touch fewer pages. ``result`` is the ``(index,
    content)`` of the tool message a ``tool_result`` event shows: when the event's preview is
    exactly that message's, it is not stored twice.
    """
    body: dict[str, object] = {}
    if event.parent_id is not None:
        body["parent_id"] = event.parent_id
    if event.agent is not None:
        body["agent"] = event.agent
    body.update(event.data)
    if result is not None and body.get("content") == result_preview(result[1]):
        del body["content"]
        body[_RESULT_REF] = result[0]
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def decode_event(task_id: str, seq: int, type_: str, ts: float, payload: str,
                 message: Callable[[int], str]) -> Event:
    """Rebuild a stored event (rows written before the envelope moved out of the JSON too).

    ``message`` gives the content of the task's transcript message at an index.
    """
    raw = json.loads(payload)
    ref = raw.pop(_RESULT_REF, None)
    if ref is not None:
        raw["content"] = result_preview(message(int(ref)))
    raw.update(type=type_, task_id=task_id, seq=seq, ts=ts)
    return Event.from_dict(raw)
