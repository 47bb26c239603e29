"""Memory files: ``~/.aura/memory/*.md`` (user scope) and ``.aura/memory/*.md`` (project)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from aura_core import paths
from aura_core.errors import NotFoundError, UsageError

__all__ = ["MemoryFile", "add_memory_file", "list_memory_files", "remove_memory_file"]


@dataclass(slots=True)
class MemoryFile:
    """One memory file."""

    name: str
    scope: Literal["user", "project"]
    path: Path
    text: str
    mtime: float


def _dir(scope: Literal["user", "project"], project: Path | None) -> Path:
    if scope == "user":
        return paths.user_dir() / "memory"
    if project is None:
        raise UsageError("project memory needs a project directory")
    return project / ".aura" / "memory"


def list_memory_files(project: Path | None) -> list[MemoryFile]:
    """User and project memory files, newest first."""
    out: list[MemoryFile] = []
    scopes: list[Literal["user", "project"]] = ["user"] + (["project"] if project else [])
    for scope in scopes:
        directory = _dir(scope, project)
        if not directory.is_dir():
            continue
        for path in directory.glob("*.md"):
            try:
                out.append(MemoryFile(path.stem, scope, path, path.read_text(errors="replace"),
                                      path.stat().st_mtime))
            except OSError:
                continue
    return sorted(out, key=lambda m: m.mtime, reverse=True)


def _slug(name: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", name.strip()).strip("-").lower()
    if not slug:
        raise UsageError(f"invalid memory name: {name!r}")
    return slug


def add_memory_file(name: str, text: str, scope: Literal["user", "project"],
                    project: Path | None) -> MemoryFile:
    """Write (or replace) a memory file."""
    directory = _dir(scope, project)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{_slug(name)}.md"
    path.write_text(text.rstrip() + "\n")
    return MemoryFile(path.stem, scope, path, text, path.stat().st_mtime)


def remove_memory_file(name: str, scope: Literal["user", "project"], project: Path | None) -> Path:
    """Delete a memory file.

    Raises:
        NotFoundError: no such memory file.
    """
    path = _dir(scope, project) / f"{_slug(name)}.md"
    if not path.exists():
        raise NotFoundError(f"no {scope} memory named {name!r}")
    path.unlink()
    return path
