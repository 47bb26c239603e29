"""The task's transcript as the loop keeps it, and the repair of calls a crash cut short."""

from __future__ import annotations

from aura_core.agent import compaction
from aura_core.messages import Message
from aura_core.store.memory import MemoryStore, TaskMemory
from aura_core.store.tasks import TaskStore

__all__ = ["INTERRUPTED_TOOL_NOTICE", "Transcript", "repair_transcript"]

#: What the model is told about a tool call that was running when Aura stopped.
INTERRUPTED_TOOL_NOTICE = (
    "This tool call was still running when Aura stopped, so its result was lost. It has NOT "
    "been run again; its effects, if any, are unknown. Check the state before repeating it."
)


class Transcript:
    """The task's messages, loaded once and kept in step with the store as they are added."""

    def __init__(self, store: TaskStore, task_id: str, memory: MemoryStore | None = None) -> None:
        self.store = store
        self.task_id = task_id
        self.messages: list[Message] = store.messages(task_id)
        self._tokens = [compaction.estimate_tokens([m]) for m in self.messages]
        self._memory = memory
        #: The latest compaction (summary and the last index it covers), or None. Only the
        #: running loop compacts a running task, so it is read once and refreshed after each.
        self.compaction: TaskMemory | None = None
        self.reload_compaction()

    def reload_compaction(self) -> None:
        """Re-read the compaction state (after this loop compacted)."""
        if self._memory is not None:
            self.compaction = self._memory.latest_task_memory(self.task_id, "compaction")

    def add(self, message: Message, *, commit: bool = True) -> None:
        """Commit a message to the store (or, with ``commit=False``, with its next write)."""
        if commit:
            self.store.add_message(self.task_id, message)
        else:
            self.store.add_message_later(self.task_id, message)
        self.messages.append(message)
        self._tokens.append(compaction.estimate_tokens([message]))

    def tokens_from(self, start: int) -> int:
        """Estimated tokens of the messages from index ``start`` on."""
        return sum(self._tokens[start:])


def repair_transcript(messages: list[Message]) -> list[Message]:
    """Tool results for calls that never got one (the process died while they ran).

    Returns:
        The tool messages to append, each telling the model the call was not re-run.
    """
    if not messages:
        return []
    answered = {m.tool_call_id for m in messages if m.role == "tool"}
    last_assistant = next((m for m in reversed(messages) if m.role == "assistant"), None)
    if last_assistant is None:
        return []
    return [
        Message(role="tool", content=INTERRUPTED_TOOL_NOTICE, tool_call_id=call.id,
                name=call.name, is_error=True)
        for call in last_assistant.tool_calls
        if call.id not in answered
    ]
