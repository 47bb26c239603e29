"""Core file tools: read, write, edit and list files inside the project root."""

from __future__ import annotations

import base64
import difflib
import mimetypes
import os
import stat
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Literal, cast

from aura_core.errors import ToolError
from aura_core.tools.registry import Tool, ToolContext, tool

__all__ = ["TOOLS", "display_path", "edit_file", "list_dir", "read_file", "write_file"]

MAX_FILE_BYTES = 10 * 1024 * 1024
"""Largest file read_file will return (10 MB)."""
MAX_LINE_CHARS = 2000
"""Lines longer than this are cut in read_file output."""
MAX_DIFF_CHARS = 4000
"""edit_file's diff is cut after this many characters."""
MAX_DIR_ENTRIES = 1000
"""list_dir shows at most this many entries."""

EntryKind = Literal["dir", "file", "symlink"]


def display_path(ctx: ToolContext, full: Path) -> str:
    """Show ``full`` relative to the project root, or absolute when it lies in another root.

    Args:
        ctx: the task's tool context.
        full: a resolved path.

    Returns:
        A POSIX-style relative path (``.`` for the root itself) or the absolute path.
    """
    try:
        rel = full.relative_to(ctx.root.resolve())
    except ValueError:
        return str(full)
    return rel.as_posix() or "."


def _existing_file(ctx: ToolContext, path: str) -> Path:
    full = ctx.resolve(path)
    if not full.exists():
        raise ToolError(f"file not found: {path}")
    if full.is_dir():
        raise ToolError(f"{path} is a directory, not a file; use list_dir to see its entries")
    size = full.stat().st_size
    if size > MAX_FILE_BYTES:
        mb = size / (1024 * 1024)
        raise ToolError(f"file too large: {path} is {mb:.1f} MB (the limit is 10 MB)")
    return full


def _decode(data: bytes) -> str | None:
    """The text of ``data``, or None when it looks binary (a NUL byte or not UTF-8)."""
    if b"\0" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _split_lines(text: str) -> list[str]:
    # Split on "\n" only (not str.splitlines) so numbers agree with editors and grep.
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.removesuffix("\r") for line in lines]


def _atomic_write(full: Path, data: bytes) -> None:
    """Write ``data`` to a temp file beside ``full``, then rename it into place."""
    full.parent.mkdir(parents=True, exist_ok=True)
    mode = stat.S_IMODE(full.stat().st_mode) if full.exists() else 0o644
    fd, tmp = tempfile.mkstemp(dir=full.parent, prefix=f".{full.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, full)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@tool(read_only=True)
def read_file(ctx: ToolContext, path: str, offset: int = 1, limit: int = 2000) -> str:
    """Read a file. Text comes back with line numbers (like `cat -n`); binary files come back
    base64-encoded with their mime type and size. Large files are shown a page at a time: use
    offset and limit to read further.

    Args:
        path: file path, relative to the project root.
        offset: first line to show (1-based).
        limit: how many lines to show.
    """
    if offset < 1:
        raise ToolError("offset must be 1 or more (line numbers start at 1)")
    if limit < 1:
        raise ToolError("limit must be 1 or more")
    full = _existing_file(ctx, path)
    shown = display_path(ctx, full)
    data = full.read_bytes()
    text = _decode(data)
    if text is None:
        mime = mimetypes.guess_type(full.name)[0] or "application/octet-stream"
        encoded = base64.b64encode(data).decode("ascii")
        return f"binary file {shown} ({mime}, {len(data)} bytes), base64:\n{encoded}"
    lines = _split_lines(text)
    if not lines:
        return f"(empty file: {shown})"
    if offset > len(lines):
        raise ToolError(f"offset {offset} is past the end of {path} ({len(lines)} lines)")
    end = min(offset - 1 + limit, len(lines))
    out: list[str] = []
    for number in range(offset, end + 1):
        line = lines[number - 1]
        if len(line) > MAX_LINE_CHARS:
            line = f"{line[:MAX_LINE_CHARS]}… [line truncated, {len(line)} chars]"
        out.append(f"{number:6}\t{line}")
    if end < len(lines) or offset > 1:
        out.append(
            f"[showing lines {offset}-{end} of {len(lines)}"
            + (f"; call read_file with offset={end + 1} to read more]" if end < len(lines) else "]")
        )
    return "\n".join(out)


@tool
def write_file(ctx: ToolContext, path: str, content: str) -> str:
    """Create a file or replace its whole content. Missing parent directories are created.
    To change part of an existing file, prefer edit_file.

    Args:
        path: file path, relative to the project root.
        content: the complete new content of the file.
    """
    full = ctx.resolve(path)
    if full.is_dir():
        raise ToolError(f"{path} is a directory, not a file")
    existed = full.exists()
    data = content.encode("utf-8")
    _atomic_write(full, data)
    verb = "overwrote" if existed else "created"
    return f"{verb} {display_path(ctx, full)}: wrote {len(data)} bytes"


_EDIT_SCHEMA: dict[str, object] = {
    "type": "object",
    "properties": {
        "old_text": {
            "type": "string",
            "description": "exact text to find, including whitespace; must occur exactly once "
            "unless replace_all is true",
        },
        "new_text": {"type": "string", "description": "text to put in its place"},
        "replace_all": {
            "type": "boolean",
            "default": False,
            "description": "replace every occurrence instead of requiring exactly one",
        },
    },
    "required": ["old_text", "new_text"],
    "additionalProperties": False,
}


def _check_edit(index: int, edit: object) -> tuple[str, str, bool]:
    if not isinstance(edit, dict):
        raise ToolError(f"edit {index}: must be an object with old_text and new_text")
    unknown = sorted(set(edit) - {"old_text", "new_text", "replace_all"})
    if unknown:
        raise ToolError(f"edit {index}: unknown field {unknown[0]!r}")
    old, new, every = edit.get("old_text"), edit.get("new_text"), edit.get("replace_all", False)
    if not isinstance(old, str) or not isinstance(new, str):
        raise ToolError(f"edit {index}: old_text and new_text must both be strings")
    if not isinstance(every, bool):
        raise ToolError(f"edit {index}: replace_all must be true or false")
    if old == "":
        raise ToolError(f"edit {index}: old_text is empty; use write_file to create a file")
    if old == new:
        raise ToolError(f"edit {index}: old_text and new_text are identical")
    return old, new, every


@tool
def edit_file(ctx: ToolContext, path: str, edits: list[dict]) -> str:
    """Change an existing file by exact find-and-replace. Several edits may be given; they
    apply in order, each to the result of the one before. If any edit's old_text is missing
    or matches more than once (without replace_all), nothing is written.

    Args:
        path: file path, relative to the project root.
        edits: the replacements to make, in order.
    """
    if not edits:
        raise ToolError("edits is empty; give at least one {old_text, new_text} edit")
    checked = [_check_edit(i, e) for i, e in enumerate(edits, start=1)]
    full = _existing_file(ctx, path)
    raw = full.read_bytes()
    original = _decode(raw)
    if original is None:
        raise ToolError(f"not a text file: {path}")
    crlf = "\r\n" in original and original.count("\r\n") == original.count("\n")
    # Models write "\n"; match on normalised text and restore the file's line endings.
    before = original.replace("\r\n", "\n") if crlf else original
    text = before
    replaced = 0
    for i, (old, new, every) in enumerate(checked, start=1):
        if crlf:
            old, new = old.replace("\r\n", "\n"), new.replace("\r\n", "\n")
        count = text.count(old)
        if count == 0:
            raise ToolError(f"edit {i}: text not found in {path}")
        if count > 1 and not every:
            raise ToolError(
                f"edit {i}: text occurs {count} times in {path}; add surrounding context "
                "to make it unique, or set replace_all"
            )
        text = text.replace(old, new) if every else text.replace(old, new, 1)
        replaced += count if every else 1
    shown = display_path(ctx, full)
    _atomic_write(full, (text.replace("\n", "\r\n") if crlf else text).encode("utf-8"))
    diff = "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True),
            text.splitlines(keepends=True),
            fromfile=f"a/{shown}",
            tofile=f"b/{shown}",
        )
    )
    if len(diff) > MAX_DIFF_CHARS:
        diff = diff[:MAX_DIFF_CHARS] + "\n… [diff truncated]\n"
    noun = "edit" if len(checked) == 1 else "edits"
    summary = f"applied {len(checked)} {noun} to {shown}"
    if replaced != len(checked):
        summary += f" ({replaced} replacements)"
    return f"{summary}\n{diff}".rstrip("\n")


cast(dict[str, dict[str, object]], edit_file.parameters["properties"])["edits"].update(
    {"items": _EDIT_SCHEMA, "minItems": 1}
)


def _entry_row(entry: os.DirEntry[str]) -> tuple[EntryKind, str, str, str]:
    info = entry.stat(follow_symlinks=False)
    kind: EntryKind
    name = entry.name
    if entry.is_symlink():
        kind = "symlink"
        name = f"{name} -> {os.readlink(entry.path)}"
    elif entry.is_dir(follow_symlinks=False):
        kind, name = "dir", f"{name}/"
    else:
        kind = "file"
    size = "-" if kind == "dir" else str(info.st_size)
    mtime = datetime.fromtimestamp(info.st_mtime).astimezone().isoformat(timespec="seconds")
    return kind, size, mtime, name


@tool(read_only=True)
def list_dir(ctx: ToolContext, path: str = ".", show_hidden: bool = False) -> str:
    """List a directory: each entry's type (file, dir or symlink), size in bytes, modification
    time and name, directories first.

    Args:
        path: directory path, relative to the project root.
        show_hidden: also list entries whose name starts with a dot.
    """
    full = ctx.resolve(path)
    if not full.exists():
        raise ToolError(f"directory not found: {path}")
    if not full.is_dir():
        raise ToolError(f"not a directory: {path}; use read_file to read a file")
    with os.scandir(full) as it:
        entries = [e for e in it if show_hidden or not e.name.startswith(".")]
    entries.sort(key=lambda e: (not e.is_dir(follow_symlinks=False), e.name.lower(), e.name))
    shown = display_path(ctx, full)
    if not entries:
        return f"{shown}: empty directory"
    rows = [_entry_row(e) for e in entries[:MAX_DIR_ENTRIES]]
    header: tuple[str, str, str, str] = ("type", "size", "modified", "name")
    widths = [max(len(r[c]) for r in [header, *rows]) for c in range(3)]
    lines = [f"{shown}: {len(entries)} entries"]
    for kind, size, mtime, name in [header, *rows]:
        lines.append(f"{kind:<{widths[0]}}  {size:>{widths[1]}}  {mtime:<{widths[2]}}  {name}")
    if len(entries) > MAX_DIR_ENTRIES:
        lines.append(
            f"[showing {MAX_DIR_ENTRIES} of {len(entries)} entries; use glob to narrow down]"
        )
    return "\n".join(lines)


TOOLS: list[Tool] = [read_file, write_file, edit_file, list_dir]  # type: ignore[list-item]
