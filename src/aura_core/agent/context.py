"""The system prompt a task starts from: who the agent is, where it works, how to use tools."""

from __future__ import annotations

import datetime as dt
import platform
from pathlib import Path
from typing import Literal

__all__ = ["PLAN_INSTRUCTION", "build_system_prompt"]

Mode = Literal["agent", "chat", "plan"]

PLAN_INSTRUCTION = (
    "Before doing anything, write a short numbered plan (one step a line, at most 8 steps) "
    "for the task. Do not call tools yet and do not carry the plan out yet."
)


def build_system_prompt(
    root: Path, mode: Mode, tool_names: list[str], *, instructions: str = "", git: str = "",
    memory: str = "",
) -> str:
    """Compose the system prompt for a task.

    Args:
        root: the project root the tools are confined to.
        mode: ``agent`` (tools), ``chat`` (no tools) or ``plan``.
        tool_names: the tools the model may call.
        instructions: project instruction files (AURA.md …), already capped.
        git: the git context block.
        memory: the memory block (files and learned facts).

    Returns:
        The system prompt text.
    """
    today = dt.date.today().isoformat()
    lines = [
        "You are Aura, an AI agent working in a developer's terminal.",
        f"Today is {today}. The operating system is {platform.system()}.",
        f"The project root is {root}; relative paths are resolved against it.",
    ]
    if mode == "chat" or not tool_names:
        lines.append("Answer directly and concisely. You have no tools in this conversation.")
    else:
        lines.append(
            "Use the tools to inspect and change the project; call several independent tools "
            "at once when you can. When the task is done, reply with a short final answer "
            "and no tool call."
        )
        lines.append("Available tools: " + ", ".join(tool_names) + ".")
    if instructions:
        lines.append("\n# Project instructions (follow them)\n" + instructions)
    if git:
        lines.append("\n# Git state of the project\n" + git)
    if memory:
        lines.append("\n# Memory\n" + memory)
    return "\n".join(lines)
