"""``@file`` mentions: completing project file names and turning mentions into attachments."""

from __future__ import annotations

import os
import re
from pathlib import Path

__all__ = ["complete", "mentioned_files", "project_files"]

_SKIP = {
    ".git",
    "node_modules",
    "__pycache__",
    ".venv",
    "venv",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    "dist",
    "build",
}
_MENTION = re.compile(r"(?:^|\s)@([^\s]+)")


def project_files(root: Path, limit: int = 5000) -> list[str]:
    """Relative paths of the project's files, skipping caches and VCS folders.

    Args:
        root: the project directory.
        limit: stop after this many files (huge trees stay responsive).

    Returns:
        POSIX-style relative paths, sorted.
    """
    found: list[str] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP and not d.startswith("."))
        rel = Path(folder).relative_to(root)
        for name in files:
            found.append((rel / name).as_posix())
            if len(found) >= limit:
                return sorted(found)
    return sorted(found)


def complete(files: list[str], fragment: str, limit: int = 8) -> list[str]:
    """Files matching a typed fragment: prefix matches of the path or name first.

    Args:
        files: candidates from `project_files`.
        fragment: what follows the ``@``.
        limit: how many to return.
    """
    low = fragment.lower()
    starts = [f for f in files if f.lower().startswith(low) or Path(f).name.lower().startswith(low)]
    inside = [f for f in files if low in f.lower() and f not in starts]
    return (starts + inside)[:limit]


def mentioned_files(text: str, root: Path) -> list[Path]:
    """The existing files a prompt mentions with ``@path``, resolved inside ``root``.

    Args:
        text: the prompt.
        root: the project directory the paths are relative to.
    """
    out: list[Path] = []
    base = root.resolve()
    for match in _MENTION.finditer(text):
        candidate = (base / match.group(1).rstrip(".,;:!?")).resolve()
        if candidate.is_file() and candidate.is_relative_to(base) and candidate not in out:
            out.append(candidate)
    return out
