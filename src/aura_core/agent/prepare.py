"""Everything a task's run is prepared with from settings: system prompt, window, learning."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Literal

from aura_core.agent.context import build_system_prompt
from aura_core.agent.gitctx import git_context
from aura_core.agent.instructions import find_instructions
from aura_core.config import Config
from aura_core.memory.extract import detect_feedback, file_operation_facts, llm_extract
from aura_core.memory.inject import memory_block
from aura_core.messages import Message
from aura_core.providers.base import Provider
from aura_core.store.memory import Fact, MemoryStore

__all__ = ["compose_system_prompt", "context_window", "learn_from_task"]

DEFAULT_WINDOW = 128_000


def compose_system_prompt(
    root: Path, mode: Literal["agent", "chat", "plan"], tool_names: list[str], config: Config,
    memory: MemoryStore, first_message: str,
) -> str:
    """The system prompt with project instructions, git state and injected memory."""
    instructions = find_instructions(root).text
    git = git_context(root) if config.get("context.git") else ""
    mem = (memory_block(memory, root, first_message, semantic=bool(config.get("memory.semantic")))
           if config.get("memory.enabled") else "")
    return build_system_prompt(root, mode, tool_names, instructions=instructions, git=git,
                               memory=mem)


def context_window(provider_name: str, config: Config) -> int:
    """The context window used for compaction: ``context.window`` or the model's own."""
    override = int(config.get("context.window") or 0)
    if override > 0:
        return override
    if provider_name == "local":
        return int(config.get("local.n_ctx") or 4096)
    return DEFAULT_WINDOW


async def learn_from_task(
    *, task_id: str, project: str, messages: list[Message], memory: MemoryStore,
    provider: Provider, provider_name: str, model: str, config: Config,
) -> list[Fact]:
    """Store what a finished task taught: feedback patterns, file operations, LLM facts.

    ``memory.extract``: ``auto`` asks the model except on the local engine (a tiny local
    model would only add noise and time) and the scripted test provider, ``on`` always
    asks, ``off`` only uses patterns.
    """
    if not config.get("memory.enabled"):
        return []
    facts = detect_feedback(messages, project, task_id)
    facts += file_operation_facts(messages, project, task_id)
    mode = str(config.get("memory.extract") or "auto")
    if mode == "on" or (mode == "auto" and provider_name not in ("local", "scripted")):
        with contextlib.suppress(Exception):  # learning is best effort; the task already finished
            facts += await llm_extract(provider, model, messages, project, task_id)
    return [memory.add_fact(f) for f in facts]
