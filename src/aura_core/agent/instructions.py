"""Project instructions: AURA.md and friends, found from the project root up two parents."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["INSTRUCTION_FILES", "Instructions", "find_instructions", "FILE_CAP", "TOTAL_CAP"]

#: File names searched in each directory, in priority order.
INSTRUCTION_FILES = (
    "AURA.md", ".aura.md", "AGENTS.md", "CLAUDE.md", ".claude.md", ".aura/INSTRUCTIONS.md",
)
FILE_CAP = 4 * 1024
TOTAL_CAP = 12 * 1024


@dataclass(slots=True)
class Instructions:
    """The instruction files found and the text handed to the model."""

    files: list[Path]
    text: str
    notices: list[str]


def _cut(data: bytes, cap: int) -> str:
    return data[:cap].decode("utf-8", errors="ignore")


def find_instructions(root: Path, *, parents: int = 2) -> Instructions:
    """Collect instruction files from ``root`` and up to ``parents`` parent directories.

    Files nearer the project come first. Each file is capped at 4 KB and all of them at
    12 KB; whatever is cut is announced in the text (and in ``notices``), never dropped
    silently.
    """
    dirs = [root, *list(root.parents)[:parents]]
    found: list[Path] = []
    seen: set[Path] = set()
    for directory in dirs:
        for name in INSTRUCTION_FILES:
            path = directory / name
            if path.is_file() and path.resolve() not in seen:
                seen.add(path.resolve())
                found.append(path)
    parts: list[str] = []
    notices: list[str] = []
    used = 0
    for path in found:
        try:
            data = path.read_bytes()
        except OSError:
            continue
        room = TOTAL_CAP - used
        if room <= 0:
            notices.append(f"{path} was skipped: the 12 KB limit for instructions is used up")
            continue
        cap = min(FILE_CAP, room)
        body = _cut(data, cap)
        if len(data) > cap:
            why = "4 KB per file" if cap == FILE_CAP else "12 KB in all"
            notices.append(f"{path} was truncated to {cap} of {len(data)} bytes ({why} limit)")
            body += f"\n[… truncated: {len(data) - cap} more bytes not shown ({why} limit)]"
        used += min(len(data), cap)
        parts.append(f"## {path}\n{body.strip()}")
    for notice in notices:
        parts.append(f"[Note: {notice}.]")
    return Instructions(found, "\n\n".join(parts), notices)
