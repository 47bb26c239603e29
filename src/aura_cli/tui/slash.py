"""Slash commands typed into the composer: their names, help and parsing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from aura_core.errors import UsageError

__all__ = ["SLASH_COMMANDS", "SlashCommand", "SlashName", "parse_slash"]

SlashName = Literal[
    "model",
    "plan",
    "chat",
    "agent",
    "clear",
    "new",
    "help",
    "attach",
    "cancel",
    "compact",
]

#: Every slash command with a one-line description (shown by /help and in completion).
SLASH_COMMANDS: dict[SlashName, str] = {
    "model": "switch the model (/model opens the picker, /model ID sets it)",
    "plan": "plan mode: the agent writes a plan before acting",
    "chat": "chat mode: answers only, no tools",
    "agent": "agent mode: tools on (the default)",
    "clear": "clear the thread on screen (the task stays stored)",
    "new": "start a new task (back to the dashboard)",
    "help": "list slash commands and key bindings",
    "attach": "attach a file: /attach PATH",
    "cancel": "cancel the running task on screen",
    "compact": "summarise the task's older history now (the transcript stays)",
}


@dataclass(slots=True, frozen=True)
class SlashCommand:
    """A parsed slash command.

    Attributes:
        name: which command.
        argument: the rest of the line, stripped ("" when none).
    """

    name: SlashName
    argument: str = ""


def parse_slash(text: str) -> SlashCommand | None:
    """Parse ``/name argument``; None when the text is not a slash command.

    Args:
        text: the composer's text.

    Returns:
        The command, or None for ordinary prompts (including ``//`` to send a literal slash).

    Raises:
        UsageError: an unknown command name.
    """
    stripped = text.strip()
    if not stripped.startswith("/") or stripped.startswith("//"):
        return None
    head, _, rest = stripped[1:].partition(" ")
    if head not in get_args(SlashName):
        known = ", ".join(f"/{n}" for n in SLASH_COMMANDS)
        raise UsageError(f"unknown command /{head} (known: {known})")
    return SlashCommand(head, rest.strip())  # type: ignore[arg-type]
