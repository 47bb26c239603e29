"""Tests for read_file, write_file, edit_file and list_dir."""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Awaitable
from pathlib import Path

import pytest

from aura_core.tools.files import TOOLS, edit_file, list_dir, read_file, write_file
from aura_core.tools.registry import ToolContext, ToolRegistry, ToolResult


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """An empty project root."""
    path = tmp_path / "proj"
    path.mkdir()
    return path


@pytest.fixture
def ctx(root: Path) -> ToolContext:
    return ToolContext(root=root)


async def ok(call: Awaitable[ToolResult]) -> str:
    """Await a tool call that must succeed and return its text."""
    result = await call
    assert not result.is_error, result.content
    return result.content


async def fails(call: Awaitable[ToolResult]) -> str:
    """Await a tool call that must fail and return its error message."""
    result = await call
    assert result.is_error, result.content
    return result.content


# read_file


async def test_read_text_with_line_numbers(root: Path, ctx: ToolContext) -> None:
    (root / "a.py").write_text("first\nsecond\nthird\n")
    out = await ok(read_file.run({"path": "a.py"}, ctx))
    assert out.splitlines() == ["     1\tfirst", "     2\tsecond", "     3\tthird"]


async def test_read_offset_and_limit_say_how_to_read_more(root: Path, ctx: ToolContext) -> None:
    (root / "a.txt").write_text("".join(f"line {n}\n" for n in range(1, 11)))
    out = await ok(read_file.run({"path": "a.txt", "offset": 3, "limit": 2}, ctx))
    lines = out.splitlines()
    assert lines[:2] == ["     3\tline 3", "     4\tline 4"]
    assert "lines 3-4 of 10" in lines[-1]
    assert "offset=5" in lines[-1]


async def test_read_offset_past_end_is_an_error(root: Path, ctx: ToolContext) -> None:
    (root / "a.txt").write_text("one\n")
    out = await fails(read_file.run({"path": "a.txt", "offset": 5}, ctx))
    assert "past the end" in out and "1 lines" in out


async def test_read_truncates_very_long_lines(root: Path, ctx: ToolContext) -> None:
    (root / "min.js").write_text("x" * 5000 + "\n")
    out = await ok(read_file.run({"path": "min.js"}, ctx))
    assert len(out) < 2100
    assert "line truncated, 5000 chars" in out


async def test_read_binary_returns_base64_with_mime_and_size(root: Path, ctx: ToolContext) -> None:
    data = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
    (root / "logo.png").write_bytes(data)
    out = await ok(read_file.run({"path": "logo.png"}, ctx))
    header, encoded = out.split("\n", 1)
    assert "image/png" in header and f"{len(data)} bytes" in header
    assert base64.b64decode(encoded) == data


async def test_read_non_utf8_is_treated_as_binary(root: Path, ctx: ToolContext) -> None:
    (root / "latin1.txt").write_bytes("café".encode("latin-1"))
    out = await ok(read_file.run({"path": "latin1.txt"}, ctx))
    assert out.startswith("binary file latin1.txt")


async def test_read_missing_file_names_it(ctx: ToolContext) -> None:
    out = await fails(read_file.run({"path": "src/nope.py"}, ctx))
    assert out == "file not found: src/nope.py"


async def test_read_refuses_files_over_10_mb(root: Path, ctx: ToolContext) -> None:
    with (root / "big.log").open("wb") as fh:
        fh.truncate(11 * 1024 * 1024)
    out = await fails(read_file.run({"path": "big.log"}, ctx))
    assert "too large" in out and "10 MB" in out


async def test_read_refuses_paths_outside_the_root(
    tmp_path: Path, root: Path, ctx: ToolContext
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret\n")
    for path in ("../secret.txt", str(secret), "sub/../../secret.txt"):
        out = await fails(read_file.run({"path": path}, ctx))
        assert "outside the project root" in out
        assert "top secret" not in out


async def test_read_refuses_symlink_pointing_outside(
    tmp_path: Path, root: Path, ctx: ToolContext
) -> None:
    (tmp_path / "secret.txt").write_text("top secret\n")
    (root / "link.txt").symlink_to(tmp_path / "secret.txt")
    out = await fails(read_file.run({"path": "link.txt"}, ctx))
    assert "outside the project root" in out


async def test_allowed_roots_extend_the_confinement(tmp_path: Path, root: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "notes.md").write_text("shared notes\n")
    ctx = ToolContext(root=root, allowed_roots=(shared,))
    out = await ok(read_file.run({"path": str(shared / "notes.md")}, ctx))
    assert "shared notes" in out


# write_file


async def test_write_creates_parents_and_reports_created(root: Path, ctx: ToolContext) -> None:
    out = await ok(write_file.run({"path": "deep/er/new.txt", "content": "héllo"}, ctx))
    assert (root / "deep/er/new.txt").read_text() == "héllo"
    assert out == "created deep/er/new.txt: wrote 6 bytes"


async def test_write_overwrites_and_keeps_mode(root: Path, ctx: ToolContext) -> None:
    script = root / "run.sh"
    script.write_text("old\n")
    script.chmod(0o755)
    out = await ok(write_file.run({"path": "run.sh", "content": "new\n"}, ctx))
    assert out.startswith("overwrote run.sh")
    assert script.read_text() == "new\n"
    assert os.access(script, os.X_OK)
    assert [p.name for p in root.iterdir()] == ["run.sh"]  # no temp files left behind


async def test_write_refuses_outside_root(tmp_path: Path, ctx: ToolContext) -> None:
    out = await fails(write_file.run({"path": "../escape.txt", "content": "x"}, ctx))
    assert "outside the project root" in out
    assert not (tmp_path / "escape.txt").exists()


# edit_file


async def test_edit_applies_several_edits_in_order(root: Path, ctx: ToolContext) -> None:
    (root / "a.py").write_text("def f():\n    return 1\n\ndef g():\n    return 2\n")
    edits = [
        {"old_text": "return 1", "new_text": "return 10"},
        {"old_text": "def g():", "new_text": "def h():"},
        {"old_text": "return 10", "new_text": "return 100"},
    ]
    out = await ok(edit_file.run({"path": "a.py", "edits": edits}, ctx))
    assert (root / "a.py").read_text() == "def f():\n    return 100\n\ndef h():\n    return 2\n"
    assert out.startswith("applied 3 edits to a.py")
    assert "-    return 1\n+    return 100" in out
    assert "+++ b/a.py" in out


async def test_edit_with_missing_target_writes_nothing(root: Path, ctx: ToolContext) -> None:
    original = "alpha\nbeta\n"
    (root / "a.py").write_text(original)
    edits = [
        {"old_text": "alpha", "new_text": "ALPHA"},
        {"old_text": "gamma", "new_text": "GAMMA"},
    ]
    out = await fails(edit_file.run({"path": "a.py", "edits": edits}, ctx))
    assert out == "edit 2: text not found in a.py"
    assert (root / "a.py").read_text() == original


async def test_edit_with_ambiguous_target_fails(root: Path, ctx: ToolContext) -> None:
    (root / "a.py").write_text("x = 1\nx = 1\nx = 1\n")
    edits = [{"old_text": "x = 1", "new_text": "x = 2"}]
    out = await fails(edit_file.run({"path": "a.py", "edits": edits}, ctx))
    assert out.startswith("edit 1: text occurs 3 times in a.py")
    assert "surrounding context" in out
    assert (root / "a.py").read_text() == "x = 1\nx = 1\nx = 1\n"


async def test_edit_replace_all(root: Path, ctx: ToolContext) -> None:
    (root / "a.py").write_text("x = 1\nx = 1\ny = 1\n")
    edits = [{"old_text": "x = 1", "new_text": "x = 2", "replace_all": True}]
    out = await ok(edit_file.run({"path": "a.py", "edits": edits}, ctx))
    assert (root / "a.py").read_text() == "x = 2\nx = 2\ny = 1\n"
    assert "2 replacements" in out


async def test_edit_rejects_empty_old_text(root: Path, ctx: ToolContext) -> None:
    (root / "a.py").write_text("x\n")
    out = await fails(
        edit_file.run({"path": "a.py", "edits": [{"old_text": "", "new_text": "y"}]}, ctx)
    )
    assert out.startswith("edit 1: old_text is empty")


async def test_edit_rejects_unknown_fields_and_empty_list(root: Path, ctx: ToolContext) -> None:
    (root / "a.py").write_text("x\n")
    bad = [{"old_text": "x", "new_text": "y", "count": 2}]
    assert "count" in await fails(edit_file.run({"path": "a.py", "edits": bad}, ctx))
    assert "edits is empty" in await fails(edit_file.run({"path": "a.py", "edits": []}, ctx))
    assert (root / "a.py").read_text() == "x\n"


async def test_edit_missing_file_names_it(ctx: ToolContext) -> None:
    edits = [{"old_text": "a", "new_text": "b"}]
    out = await fails(edit_file.run({"path": "src/x.py", "edits": edits}, ctx))
    assert out == "file not found: src/x.py"


async def test_edit_keeps_windows_line_endings(root: Path, ctx: ToolContext) -> None:
    (root / "a.txt").write_bytes(b"one\r\ntwo\r\nthree\r\n")
    edits = [{"old_text": "one\ntwo", "new_text": "1\n2"}]
    await ok(edit_file.run({"path": "a.txt", "edits": edits}, ctx))
    assert (root / "a.txt").read_bytes() == b"1\r\n2\r\nthree\r\n"


async def test_edit_refuses_binary_files(root: Path, ctx: ToolContext) -> None:
    (root / "a.bin").write_bytes(b"ab\x00cd")
    edits = [{"old_text": "ab", "new_text": "xy"}]
    assert await fails(edit_file.run({"path": "a.bin", "edits": edits}, ctx)) == (
        "not a text file: a.bin"
    )


async def test_edit_diff_is_capped(root: Path, ctx: ToolContext) -> None:
    (root / "a.txt").write_text("".join(f"row {n}\n" for n in range(2000)))
    edits = [{"old_text": "row", "new_text": "line", "replace_all": True}]
    out = await ok(edit_file.run({"path": "a.txt", "edits": edits}, ctx))
    assert len(out) < 4200
    assert "diff truncated" in out


# list_dir


async def test_list_dir_shows_type_size_mtime_dirs_first(root: Path, ctx: ToolContext) -> None:
    (root / "b.txt").write_text("12345")
    (root / "a_dir").mkdir()
    (root / "z_dir").mkdir()
    (root / ".env").write_text("hidden")
    (root / "link").symlink_to("b.txt")
    out = await ok(list_dir.run({}, ctx))
    rows = out.splitlines()[2:]
    names = [row.split()[-1] for row in rows]
    assert names[:2] == ["a_dir/", "z_dir/"]
    assert ".env" not in out
    file_row = next(r for r in rows if r.endswith("b.txt"))
    kind, size, mtime, _ = file_row.split()
    assert (kind, size) == ("file", "5")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", mtime)
    link_row = next(r for r in rows if "link" in r)
    assert link_row.startswith("symlink") and link_row.endswith("link -> b.txt")
    assert out.splitlines()[1].split() == ["type", "size", "modified", "name"]


async def test_list_dir_show_hidden(root: Path, ctx: ToolContext) -> None:
    (root / ".env").write_text("hidden")
    out = await ok(list_dir.run({"show_hidden": True}, ctx))
    assert ".env" in out


async def test_list_dir_caps_entries(root: Path, ctx: ToolContext) -> None:
    for n in range(1005):
        (root / f"f{n:04}").touch()
    out = await ok(list_dir.run({}, ctx))
    assert "showing 1000 of 1005 entries" in out
    assert "f1004" not in out


async def test_list_dir_errors(root: Path, ctx: ToolContext) -> None:
    (root / "a.txt").write_text("x")
    assert "not a directory: a.txt" in await fails(list_dir.run({"path": "a.txt"}, ctx))
    assert await fails(list_dir.run({"path": "nope"}, ctx)) == "directory not found: nope"
    assert "outside" in await fails(list_dir.run({"path": ".."}, ctx))


# schemas the model sees


def test_schemas_have_expected_required_fields() -> None:
    registry = ToolRegistry(TOOLS)
    required = {spec.name: spec.parameters["required"] for spec in registry.specs()}
    assert required == {
        "read_file": ["path"],
        "write_file": ["path", "content"],
        "edit_file": ["path", "edits"],
        "list_dir": [],
    }
    for spec in registry.specs():
        assert spec.description
        assert "ctx" not in spec.parameters["properties"]  # type: ignore[operator]
    edits = edit_file.parameters["properties"]["edits"]  # type: ignore[index]
    assert edits["items"]["required"] == ["old_text", "new_text"]
    assert edits["items"]["additionalProperties"] is False
    assert set(edits["items"]["properties"]) == {"old_text", "new_text", "replace_all"}
