"""JSON views of core records shared by several controllers."""

from __future__ import annotations

from aura_core.messages import Message
from aura_core.store.tasks import TaskRecord

__all__ = ["message_view", "task_view"]


def task_view(record: TaskRecord) -> dict[str, object]:
    """A task as the API shows it (without the owning process id)."""
    return record.to_view()


def message_view(index: int, message: Message) -> dict[str, object]:
    """One transcript message as the API shows it."""
    out: dict[str, object] = {"index": index, "role": message.role, "content": message.content}
    if message.tool_calls:
        out["tool_calls"] = [c.to_dict() for c in message.tool_calls]
    if message.tool_call_id:
        out["tool_call_id"] = message.tool_call_id
        out["name"] = message.name
        out["is_error"] = message.is_error
    if message.thinking:
        out["thinking"] = message.thinking
    return out
