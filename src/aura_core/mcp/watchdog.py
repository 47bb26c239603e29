"""Run a stdio MCP server and take its whole process group down when Aura dies.

Started as ``python -I watchdog.py PARENT_PID -- COMMAND ARGS...`` in a new session (so this
process leads a fresh process group). It asks Linux to signal it when its parent dies
(``PR_SET_PDEATHSIG``), starts the server as its child with the inherited stdin/stdout, and
exits with the server's exit code. When Aura dies (even by SIGKILL) or stops the server, every
process in the group is terminated, then killed, so no server — nor anything the server
started, such as ``npx``'s node child — is left behind. Standard library only, so it starts
fast and works whatever ``PYTHONPATH`` says.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys

PR_SET_PDEATHSIG = 1
GRACE_SECONDS = 3
_stopping = False


def _kill_group(_signum: int = 0, _frame: object = None) -> None:
    os.killpg(os.getpgrp(), signal.SIGKILL)


def _stop_group(signum: int, _frame: object = None) -> None:
    """Ask the group to stop, and kill it if it has not stopped within the grace period."""
    global _stopping
    _stopping = True
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if signum != signal.SIGTERM:  # a SIGTERM from Aura already went to the whole group
        os.killpg(os.getpgrp(), signal.SIGTERM)
    signal.signal(signal.SIGALRM, _kill_group)
    signal.alarm(GRACE_SECONDS)


def main(argv: list[str]) -> int:
    """Run the server; return its exit code."""
    if len(argv) < 4 or argv[2] != "--":
        sys.stderr.write("usage: watchdog.py PARENT_PID -- COMMAND [ARGS...]\n")
        return 2
    parent = int(argv[1])
    signal.signal(signal.SIGUSR1, _stop_group)
    signal.signal(signal.SIGTERM, _stop_group)
    signal.signal(signal.SIGHUP, _stop_group)
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGUSR1, 0, 0, 0)
    if os.getppid() != parent:  # Aura died before the death signal was armed
        return 1
    try:
        child = subprocess.Popen(argv[3:])
    except OSError as exc:
        sys.stderr.write(f"cannot start {argv[3]}: {exc.strerror or exc}\n")
        return 127
    code = child.wait()
    if not _stopping:
        how = f"code {code}" if code >= 0 else f"signal {-code}"
        sys.stderr.write(f"[aura] the server exited with {how}\n")
    sys.stderr.flush()
    # Whatever the server left running in its group goes with it.
    if _stopping:
        _kill_group()
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    os.killpg(os.getpgrp(), signal.SIGTERM)
    return code if code >= 0 else 128 - code


if __name__ == "__main__":
    sys.exit(main(sys.argv))
