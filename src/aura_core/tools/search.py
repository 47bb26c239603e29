"""Core search tools: find files by glob pattern and search their contents by regex."""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

from aura_core.errors import ToolError
from aura_core.tools.files import MAX_FILE_BYTES, display_path
from aura_core.tools.registry import Tool, ToolContext, tool

__all__ = ["SKIP_DIRS", "TOOLS", "glob", "glob_regex", "grep"]

SKIP_DIRS = frozenset(
    {".git", "node_modules", "__pycache__", ".venv", ".mypy_cache", ".pytest_cache", ".ruff_cache"}
)
"""Directories glob and grep never descend into (unless given as ``path`` itself)."""
MAX_GLOB_RESULTS = 500
"""glob lists at most this many files."""
MAX_GREP_RESULTS = 2000
"""The largest ``max_results`` grep accepts."""
MAX_MATCH_CHARS = 500
"""A matching line longer than this is cut in grep output."""


def glob_regex(pattern: str) -> re.Pattern[str]:
    """Compile a glob into a regex matched against a whole ``/``-separated relative path.

    ``*`` and ``?`` stay inside one path segment, ``**`` crosses directories (``**/`` also
    matches none), ``[abc]``/``[!abc]`` are character classes and ``{a,b}`` alternatives.

    Args:
        pattern: the glob, such as ``src/**/*.py`` or ``*.{ts,tsx}``.

    Returns:
        The compiled pattern; use ``fullmatch``.

    Raises:
        ToolError: unbalanced braces.
    """
    out: list[str] = []
    depth = 0
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        close = pattern.find("]", i + 2) if c == "[" else -1
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif close != -1:
            body = pattern[i + 1 : close]
            body = "^" + body[1:] if body.startswith("!") else body
            out.append("[" + body.replace("\\", "\\\\") + "]")
            i = close
        elif c == "{":
            out.append("(?:")
            depth += 1
        elif c == "}" and depth:
            out.append(")")
            depth -= 1
        elif c == "," and depth:
            out.append("|")
        else:
            out.append(re.escape(c))
        i += 1
    if depth:
        raise ToolError(f"unbalanced braces in glob pattern: {pattern}")
    return re.compile("".join(out), re.DOTALL)


def _walk(base: Path, *, follow_file_links: bool) -> Iterator[Path]:
    """Files under ``base`` in path order, skipping SKIP_DIRS and never entering dir links."""
    try:
        with os.scandir(base) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            if entry.name not in SKIP_DIRS:
                yield from _walk(Path(entry.path), follow_file_links=follow_file_links)
        elif entry.is_file(follow_symlinks=follow_file_links):
            yield Path(entry.path)


def _search_dir(ctx: ToolContext, path: str) -> Path:
    full = ctx.resolve(path)
    if not full.exists():
        raise ToolError(f"directory not found: {path}")
    return full


@tool(read_only=True)
def glob(ctx: ToolContext, pattern: str, path: str = ".") -> str:
    """Find files whose path matches a glob pattern, newest first. `*` matches within one
    directory level and `**` across levels, so use `**/*.py` to find Python files at any
    depth. Skips .git, node_modules, __pycache__ and .venv.

    Args:
        pattern: glob relative to path, such as `**/*.py`, `src/**/test_*.py` or `*.{ts,tsx}`.
        path: directory to search in, relative to the project root.
    """
    if not pattern.strip():
        raise ToolError("pattern is empty; try **/* to list every file")
    if pattern.startswith("/") or ".." in pattern.split("/"):
        raise ToolError("pattern must be relative; set path to search another directory")
    base = _search_dir(ctx, path)
    if not base.is_dir():
        raise ToolError(f"not a directory: {path}")
    regex = glob_regex(pattern)
    found: list[tuple[float, str]] = []
    for file in _walk(base, follow_file_links=True):
        if regex.fullmatch(file.relative_to(base).as_posix()):
            found.append((file.lstat().st_mtime, display_path(ctx, file)))
    if not found:
        return f"no files match {pattern} in {display_path(ctx, base)}"
    found.sort(key=lambda item: (-item[0], item[1]))
    lines = [name for _, name in found[:MAX_GLOB_RESULTS]]
    if len(found) > MAX_GLOB_RESULTS:
        lines.append(
            f"[showing the {MAX_GLOB_RESULTS} newest of {len(found)} files; "
            "narrow the pattern or path]"
        )
    return "\n".join(lines)


class _RipgrepRefused(Exception):
    """ripgrep rejected the pattern (its regex dialect differs); search in Python instead."""


def _python_grep(
    regex: re.Pattern[str], base: Path, glob_pattern: str | None
) -> Iterator[tuple[Path, int, str]]:
    files = [base] if base.is_file() else _walk(base, follow_file_links=False)
    name_filter = glob_regex(glob_pattern) if glob_pattern else None
    for file in files:
        if name_filter is not None and file is not base:
            # Like ripgrep's --glob: a pattern without "/" matches the file name at any depth.
            target = file.relative_to(base).as_posix() if "/" in glob_pattern else file.name
            if not name_filter.fullmatch(target):
                continue
        try:
            if file.stat().st_size > MAX_FILE_BYTES:
                continue
            data = file.read_bytes()
        except OSError:
            continue
        if b"\0" in data:
            continue
        lines = data.decode("utf-8", errors="replace").split("\n")
        if lines[-1] == "":
            lines.pop()
        for number, line in enumerate(lines, start=1):
            line = line.removesuffix("\r")
            if regex.search(line):
                yield file, number, line


def _ripgrep() -> str | None:
    """The ripgrep executable, when it is on PATH."""
    return shutil.which("rg")


def _rg_text(field: dict[str, str]) -> str:
    if "text" in field:
        return field["text"]
    return base64.b64decode(field["bytes"]).decode("utf-8", errors="replace")


def _rg_grep(
    rg: str, pattern: str, base: Path, glob_pattern: str | None, ignore_case: bool
) -> Iterator[tuple[Path, int, str]]:
    cwd, target = (base.parent, base.name) if base.is_file() else (base, ".")
    cmd = [rg, "--json", "--sort=path", "--no-config", "--no-ignore", "--hidden", "--crlf"]
    cmd += [f"--max-filesize={MAX_FILE_BYTES}", "--no-messages"]
    cmd += ["--ignore-case"] if ignore_case else ["--case-sensitive"]
    cmd += [f"--glob=!{d}" for d in sorted(SKIP_DIRS)]
    cmd += [f"--glob={glob_pattern}"] if glob_pattern else []
    cmd += ["--regexp", pattern, "--", target]
    proc = subprocess.Popen(
        cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    assert proc.stdout is not None
    pending: list[tuple[Path, int, str]] = []
    got_output = False
    try:
        for raw in proc.stdout:
            got_output = True
            event = json.loads(raw)
            data = event["data"]
            if event["type"] == "match":
                text = _rg_text(data["lines"]).removesuffix("\n").removesuffix("\r")
                pending.append((cwd / _rg_text(data["path"]), data["line_number"], text))
            elif event["type"] == "end":
                # rg stops at a NUL byte but keeps earlier matches; skip binaries entirely.
                if data.get("binary_offset") is None:
                    yield from pending
                pending = []
        if proc.wait() == 2 and not got_output:
            raise _RipgrepRefused
    finally:
        proc.kill()
        proc.wait()


def _matches(
    regex: re.Pattern[str], base: Path, glob_pattern: str | None, ignore_case: bool
) -> Iterator[tuple[Path, int, str]]:
    """Matching lines in path order, from ripgrep when installed, else pure Python."""
    rg = _ripgrep()
    if rg is not None:
        try:
            yield from _rg_grep(rg, regex.pattern, base, glob_pattern, ignore_case)
            return
        except _RipgrepRefused:
            pass
    yield from _python_grep(regex, base, glob_pattern)


@tool(read_only=True)
def grep(
    ctx: ToolContext,
    pattern: str,
    path: str = ".",
    glob: str | None = None,
    ignore_case: bool = False,
    max_results: int = 200,
) -> str:
    """Search file contents with a regular expression (Python syntax). Prints one line per
    match as `path:line: text`. Skips binary files and .git, node_modules, __pycache__, .venv.

    Args:
        pattern: regular expression to look for in each line, such as `def \\w+_tool`.
        path: file or directory to search, relative to the project root.
        glob: only search files matching this glob, such as `*.py` (any depth) or `src/**/*.ts`.
        ignore_case: match regardless of letter case.
        max_results: stop after this many matching lines (at most 2000).
    """
    if not 1 <= max_results <= MAX_GREP_RESULTS:
        raise ToolError(f"max_results must be between 1 and {MAX_GREP_RESULTS}")
    try:
        regex = re.compile(pattern, re.IGNORECASE if ignore_case else 0)
    except re.error as exc:
        raise ToolError(f"invalid regular expression {pattern!r}: {exc}") from None
    if glob is not None:
        glob_regex(glob)
    base = _search_dir(ctx, path)
    lines: list[str] = []
    more = False
    with closing(_matches(regex, base, glob, ignore_case)) as found:
        for file, number, text in found:
            if len(lines) == max_results:
                more = True
                break
            if len(text) > MAX_MATCH_CHARS:
                text = f"{text[:MAX_MATCH_CHARS]}… [line truncated]"
            lines.append(f"{display_path(ctx, file)}:{number}: {text}")
    if not lines:
        return f"no matches for {pattern} in {display_path(ctx, base)}"
    if more:
        lines.append(f"[stopped at {max_results} matches; narrow the pattern, path or glob]")
    return "\n".join(lines)


TOOLS: list[Tool] = [glob, grep]  # type: ignore[list-item]
