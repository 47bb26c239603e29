"""Protected paths: system trees, home directories, critical files and safe devices."""

from __future__ import annotations

import os
import posixpath
import re
from fnmatch import fnmatchcase

__all__ = ["CRITICAL", "SAFE_DEV", "describe", "home", "variants"]

_VAR_REF = re.compile(r"\$\{[A-Za-z_]\w*\}|\$[A-Za-z_]\w*")
_SYSTEM_TREES = (
    "/bin",
    "/boot",
    "/dev",
    "/etc",
    "/lib",
    "/lib32",
    "/lib64",
    "/libx32",
    "/proc",
    "/sbin",
    "/sys",
    "/usr",
)
_SYSTEM_DIRS = frozenset(
    {
        "/home",
        "/root",
        "/var",
        "/var/lib",
        "/var/log",
        "/var/cache",
        "/var/spool",
        "/var/mail",
        "/var/www",
        "/opt",
        "/srv",
        "/mnt",
        "/media",
        "/run",
        "/snap",
        "/tmp",
        "/var/tmp",
    }
)
CRITICAL = (
    "/etc/passwd",
    "/etc/shadow",
    "/etc/group",
    "/etc/gshadow",
    "/etc/sudoers",
    "/etc/fstab",
    "/proc/sysrq-trigger",
    "/boot",
)
SAFE_DEV = re.compile(
    r"/dev/(null|zero|full|u?random|stdin|stdout|stderr|tty\w*|console|ptmx"
    r"|fd/\d+|pts/\d+|shm(/.*)?|mqueue(/.*)?|tcp/.*|udp/.*)"
)


def home() -> str:
    """The user's home directory, normalised.

    Returns:
        The expansion of ``~``.
    """
    return posixpath.normpath(os.path.expanduser("~"))


def describe(path: str) -> tuple[str, bool] | None:
    """Describe a protected absolute path.

    Args:
        path: an absolute, normalised path; it may hold glob characters.

    Returns:
        (description, inside a system tree), or None when the path is not protected.
    """
    if any(ch in path for ch in "*?["):
        parts = path.split("/")
        glob_at = next(k for k, part in enumerate(parts) if any(ch in part for ch in "*?["))
        parent = "/".join(parts[:glob_at]) or "/"
        found = describe(parent) if parent.startswith("/") else None
        if found:
            return f"everything in {found[0]}", found[1]
        for candidate in (*_SYSTEM_TREES, *_SYSTEM_DIRS, home()):
            if fnmatchcase(candidate, path):
                return describe(candidate)
        return None
    home_dir = home()
    if path == "/":
        return "/ (the root directory)", True
    if path in (home_dir, "/root") or re.fullmatch(r"/home/[^/]+", path):
        return f"{path} (a home directory)", False
    if any(path == t or path.startswith(t + "/") for t in _SYSTEM_TREES):
        return f"{path} (a system path)", True
    if path in _SYSTEM_DIRS:
        return f"{path} (a system directory)", False
    return None


def variants(raw: str, cwd: str | None) -> list[tuple[str, str]]:
    """Absolute normalised forms of ``raw``; also with unknown ``$VARS`` empty.

    Args:
        raw: a path as written in the command.
        cwd: the directory an earlier ``cd`` moved to, if known.

    Returns:
        (path, note) pairs; the note says which variables were taken as empty.
    """
    forms = [(raw, "")]
    if _VAR_REF.search(raw):
        names = ", ".join(_VAR_REF.findall(raw))
        forms.append((_VAR_REF.sub("", raw), f" if {names} is empty or unset"))
    out = []
    for text, note in forms:
        if not text.startswith("/"):
            if not cwd or not text:
                continue
            text = posixpath.join(cwd, text)
        out.append((posixpath.normpath(re.sub("/+", "/", text)), note))
    return out
