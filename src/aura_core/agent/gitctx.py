"""Git context for the system prompt: branch, a status summary and recent commits."""

from __future__ import annotations

import subprocess
from pathlib import Path

__all__ = ["git_context"]

_MAX_FILES = 15
_MAX_COMMITS = 5


def _git(root: Path, *args: str) -> str | None:
    try:
        proc = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                              timeout=5)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout if proc.returncode == 0 else None


def git_context(root: Path) -> str:
    """A short description of the repository state, or "" when ``root`` is not in git."""
    inside = _git(root, "rev-parse", "--is-inside-work-tree")
    if not inside or inside.strip() != "true":
        return ""
    branch = (_git(root, "branch", "--show-current") or "").strip() or "(detached HEAD)"
    status = (_git(root, "status", "--porcelain") or "").splitlines()
    log = (_git(root, "log", "--oneline", f"-{_MAX_COMMITS}") or "").strip()
    lines = [f"Branch: {branch}"]
    if status:
        lines.append(f"Uncommitted changes: {len(status)} file(s)")
        lines += [f"  {s}" for s in status[:_MAX_FILES]]
        if len(status) > _MAX_FILES:
            lines.append(f"  … and {len(status) - _MAX_FILES} more")
    else:
        lines.append("Working tree clean")
    if log:
        lines.append("Recent commits:")
        lines += [f"  {c}" for c in log.splitlines()]
    return "\n".join(lines)
