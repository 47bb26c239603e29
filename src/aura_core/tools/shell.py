"""The ``bash`` tool: policy-checked shell commands, sandboxed, time-limited, output-capped."""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import os
import re
import shutil
import signal
from pathlib import Path

from aura_core.errors import ToolError
from aura_core.tools.guard import check_command
from aura_core.tools.registry import ToolContext, ToolResult, tool
from aura_core.tools.sandbox import sandbox_status, wrap_command

__all__ = ["DEFAULT_TIMEOUT", "MAX_TIMEOUT", "OUTPUT_LIMIT", "TOOLS", "bash"]

DEFAULT_TIMEOUT = 60
MAX_TIMEOUT = 300
OUTPUT_LIMIT = 30_000
_DRAIN_SECONDS = 5.0
_SECRET_NAME = re.compile(r"KEY|TOKEN|SECRET|PASSW|CREDENTIAL|COOKIE", re.IGNORECASE)


class _Capture:
    """Keeps the head and the tail of a byte stream, counting the characters in between."""

    def __init__(self, limit: int) -> None:
        self.half = limit // 2
        self.head = ""
        self.tail = ""
        self.total = 0
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")

    def feed(self, data: bytes, *, final: bool = False) -> None:
        text = self._decoder.decode(data, final)
        self.total += len(text)
        room = self.half - len(self.head)
        if room > 0:
            self.head += text[:room]
            text = text[room:]
        if text:
            self.tail = (self.tail + text)[-self.half :]

    def text(self) -> str:
        omitted = self.total - len(self.head) - len(self.tail)
        if omitted <= 0:
            return self.head + self.tail
        return f"{self.head}\n[... {omitted} characters omitted ...]\n{self.tail}"


def _kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def _environment(ctx: ToolContext, extra: dict[str, str] | None) -> dict[str, str]:
    """The host environment minus anything that looks like a secret, plus the task's own."""
    env = {k: v for k, v in os.environ.items() if not _SECRET_NAME.search(k)}
    env.update(ctx.env)
    for key, value in (extra or {}).items():
        if not isinstance(value, str):
            raise ToolError(f"env value for {key} must be a string")
        env[key] = value
    return env


async def _run(
    argv: list[str], cwd: Path, env: dict[str, str], timeout: int
) -> tuple[int | None, str]:
    """Run ``argv`` in its own process group; (exit code or None on timeout, output)."""
    # Our own pipe, not asyncio's: its wait() would block until every background job that
    # inherited stdout closed it, even after the shell itself has exited.
    read_fd, write_fd = os.pipe()
    try:
        proc = await asyncio.create_subprocess_exec(
            *argv,
            cwd=cwd,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=write_fd,
            stderr=write_fd,
            start_new_session=True,
        )
    except BaseException:
        os.close(read_fd)
        raise
    finally:
        os.close(write_fd)
    stream = asyncio.StreamReader()
    transport, _ = await asyncio.get_running_loop().connect_read_pipe(
        lambda: asyncio.StreamReaderProtocol(stream), os.fdopen(read_fd, "rb", buffering=0)
    )
    capture = _Capture(OUTPUT_LIMIT)

    async def pump() -> None:
        while chunk := await stream.read(65536):
            capture.feed(chunk)
        capture.feed(b"", final=True)

    reader = asyncio.create_task(pump())
    try:
        try:
            await asyncio.wait_for(proc.wait(), timeout)
            timed_out = False
        except TimeoutError:
            timed_out = True
        # Background jobs the command left behind die with it: no orphans.
        _kill_group(proc.pid)
        await proc.wait()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(reader, _DRAIN_SECONDS)
    finally:
        if proc.returncode is None:  # cancelled: kill everything, then reap
            _kill_group(proc.pid)
            reader.cancel()
            await asyncio.shield(proc.wait())
        transport.close()
    return (None if timed_out else proc.returncode), capture.text()


@tool
async def bash(
    command: str,
    cwd: str = ".",
    timeout: int = DEFAULT_TIMEOUT,
    env: dict[str, str] | None = None,
    ctx: ToolContext | None = None,
) -> ToolResult:
    """Run a shell command in the project and return its combined stdout and stderr.

    Commands pass a safety policy first and run in a sandbox where the project directory is
    writable, the rest of the system read-only, and the network off unless allowed.

    Args:
        command: the command line, run with bash (or sh when bash is missing).
        cwd: working directory, relative to the project root.
        timeout: seconds before the command is killed (default 60, at most 300).
        env: extra environment variables for the command.
    """
    if ctx is None:
        raise ToolError("the bash tool needs a task context")
    if not command.strip():
        raise ToolError("command is empty")
    decision = check_command(command)
    if not decision.allowed:
        raise ToolError(f"Refused by command policy: {decision.reason}")
    workdir = ctx.resolve(cwd)
    if not workdir.is_dir():
        raise ToolError(f"cwd is not a directory: {cwd}")
    notes: list[str] = []
    limit = max(1, min(int(timeout), MAX_TIMEOUT))
    if limit != timeout:
        notes.append(f"[timeout clamped to {limit} s]")
    shell = shutil.which("bash") or "sh"
    argv = [shell, "-c", command]
    if ctx.sandbox:
        status = await asyncio.to_thread(sandbox_status)
        if status.available:
            argv = wrap_command(
                argv,
                ctx.root,
                network=ctx.allow_network,
                writable=ctx.allowed_roots,
                chdir=workdir,
            )
        else:
            notes.append(f"[sandbox unavailable ({status.reason}); ran without it]")
    code, output = await _run(argv, workdir, _environment(ctx, env), limit)
    parts = [*notes, output.rstrip("\n")] if output.strip() else notes
    if code is None:
        parts.append(f"[timed out after {limit} s; the command was killed]")
        return ToolResult("\n".join(parts), is_error=True)
    if code != 0:
        parts.append(f"exit code: {code}")
    return ToolResult("\n".join(parts) or "(no output)", is_error=code != 0)


TOOLS = [bash]
