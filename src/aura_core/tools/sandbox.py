"""The bubblewrap sandbox: a read-only system, a writable project, no network unless allowed."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["SandboxStatus", "bwrap_path", "sandbox_status", "wrap_command"]

_PROBE_TIMEOUT = 10.0
_status: SandboxStatus | None = None


@dataclass(frozen=True, slots=True)
class SandboxStatus:
    """Whether shell commands can run inside bubblewrap on this machine.

    Attributes:
        available: bwrap is installed and can create the namespaces it needs.
        path: where bwrap is, or None when it is not installed.
        reason: one line for ``aura doctor``, e.g. ``bwrap not installed``.
    """

    available: bool
    path: str | None
    reason: str


def bwrap_path() -> str | None:
    """The ``bwrap`` executable on ``PATH``, or None."""
    return shutil.which("bwrap")


def _base_args(bwrap: str) -> list[str]:
    return [bwrap, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]


def _flags(*, network: bool) -> list[str]:
    share = ["--share-net"] if network else []
    return ["--unshare-all", *share, "--die-with-parent", "--new-session"]


def sandbox_status(*, refresh: bool = False) -> SandboxStatus:
    """Probe bubblewrap once (by running ``bwrap ... true``) and remember the answer.

    Args:
        refresh: probe again instead of returning the remembered answer.

    Returns:
        The sandbox status; ``reason`` says why it is unavailable.
    """
    global _status
    if _status is not None and not refresh:
        return _status
    path = bwrap_path()
    if path is None:
        _status = SandboxStatus(False, None, "bwrap not installed")
        return _status
    argv = [*_base_args(path), *_flags(network=False), "true"]
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=_PROBE_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as exc:
        _status = SandboxStatus(False, path, f"bwrap cannot run here: {exc}")
        return _status
    if proc.returncode != 0:
        lines = [line.strip() for line in proc.stderr.splitlines() if line.strip()]
        detail = lines[0] if lines else f"exit code {proc.returncode}"
        _status = SandboxStatus(False, path, f"bwrap cannot create namespaces here: {detail}")
    else:
        _status = SandboxStatus(True, path, f"bubblewrap works ({path})")
    return _status


def wrap_command(
    argv: list[str],
    root: Path,
    *,
    network: bool,
    writable: Sequence[Path] = (),
    chdir: Path | None = None,
) -> list[str]:
    """Wrap ``argv`` so it runs in bubblewrap.

    The whole file system is mounted read-only, with fresh ``/dev``, ``/proc`` and a private
    ``/tmp``; the project root and ``writable`` directories are mounted read-write. Every
    namespace is unshared (network too, unless ``network``); the sandbox dies with its parent
    and runs in a new session so it cannot reach the controlling terminal.

    Args:
        argv: the command to run.
        root: the project root, writable inside the sandbox.
        network: keep the host network namespace (outbound connections work).
        writable: further directories to mount read-write.
        chdir: the working directory inside the sandbox (default: ``root``).

    Returns:
        The bwrap command line.
    """
    bwrap = bwrap_path() or "bwrap"
    out = _base_args(bwrap)
    for path in (root, *writable):
        real = str(path.resolve())
        out += ["--bind", real, real]
    out += _flags(network=network)
    out += ["--chdir", str((chdir or root).resolve()), *argv]
    return out
