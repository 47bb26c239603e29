"""Tests for the glob and grep tools, on both the ripgrep and the pure-Python search."""

from __future__ import annotations

import os
import shutil
from collections.abc import Awaitable
from pathlib import Path

import pytest

from aura_core.tools import search
from aura_core.tools.registry import ToolContext, ToolRegistry, ToolResult
from aura_core.tools.search import TOOLS, glob, glob_regex, grep


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A small project tree with files in the directories search must skip."""
    path = tmp_path / "proj"
    files = {
        "README.md": "# Demo\nhello world\n",
        "src/app.py": "import os\n\ndef main():\n    print('Hello')\n",
        "src/pkg/util.py": "def helper():\n    return 'hello again'\n",
        "src/pkg/view.ts": "const hello = 1;\n",
        "node_modules/lib/index.py": "hello from node_modules\n",
        ".git/config.py": "hello from git\n",
        "__pycache__/app.py": "hello from cache\n",
        ".venv/site.py": "hello from venv\n",
    }
    for name, text in files.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_text(text)
    (path / "data.bin").write_bytes(b"hello\x00binary")
    return path


@pytest.fixture
def ctx(root: Path) -> ToolContext:
    return ToolContext(root=root)


@pytest.fixture(params=["python", "ripgrep"])
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a grep test once per search backend (ripgrep only when installed)."""
    if request.param == "python":
        monkeypatch.setattr(search, "_ripgrep", lambda: None)
    elif shutil.which("rg") is None:
        pytest.skip("ripgrep (rg) is not installed")
    return str(request.param)


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


# glob


async def test_glob_finds_files_newest_first(root: Path, ctx: ToolContext) -> None:
    os.utime(root / "src/app.py", (1_700_000_000, 1_700_000_000))  # newer
    os.utime(root / "src/pkg/util.py", (1_600_000_000, 1_600_000_000))  # older
    (root / "new.py").write_text("x\n")
    out = await ok(glob.run({"pattern": "**/*.py"}, ctx))
    assert out.splitlines() == ["new.py", "src/app.py", "src/pkg/util.py"]


async def test_glob_skips_vcs_dependency_and_cache_dirs(ctx: ToolContext) -> None:
    out = await ok(glob.run({"pattern": "**/*"}, ctx))
    for skipped in ("node_modules", ".git/", "__pycache__", ".venv"):
        assert skipped not in out
    assert "README.md" in out


async def test_glob_star_stays_in_one_directory(ctx: ToolContext) -> None:
    assert (await ok(glob.run({"pattern": "*.py", "path": "src"}, ctx))) == "src/app.py"
    out = await ok(glob.run({"pattern": "src/**/*.{py,ts}"}, ctx))
    assert sorted(out.splitlines()) == ["src/app.py", "src/pkg/util.py", "src/pkg/view.ts"]


async def test_glob_no_match_and_bad_input(ctx: ToolContext) -> None:
    assert "no files match" in await ok(glob.run({"pattern": "**/*.rs"}, ctx))
    assert "relative" in await fails(glob.run({"pattern": "../**/*"}, ctx))
    assert "outside the project root" in await fails(glob.run({"pattern": "*", "path": ".."}, ctx))
    assert "unbalanced" in await fails(glob.run({"pattern": "*.{py"}, ctx))


async def test_glob_caps_results(root: Path, ctx: ToolContext) -> None:
    many = root / "many"
    many.mkdir()
    for n in range(510):
        (many / f"f{n}.txt").touch()
    out = await ok(glob.run({"pattern": "many/*.txt"}, ctx))
    assert len(out.splitlines()) == 501
    assert "500 newest of 510" in out


def test_glob_regex_semantics() -> None:
    assert glob_regex("**/*.py").fullmatch("a.py")
    assert glob_regex("**/*.py").fullmatch("a/b/c.py")
    assert not glob_regex("*.py").fullmatch("a/b.py")
    assert glob_regex("src/**").fullmatch("src/a/b")
    assert glob_regex("test_[!x]?.py").fullmatch("test_ab.py")
    assert not glob_regex("test_[!x]?.py").fullmatch("test_xb.py")


# grep


async def test_grep_prints_path_line_text(ctx: ToolContext, backend: str) -> None:
    out = await ok(grep.run({"pattern": "hel+o"}, ctx))
    assert out.splitlines() == [
        "README.md:2: hello world",
        "src/pkg/util.py:2:     return 'hello again'",
        "src/pkg/view.ts:1: const hello = 1;",
    ]


async def test_grep_ignore_case(ctx: ToolContext, backend: str) -> None:
    out = await ok(grep.run({"pattern": "^\\s+print\\('hello", "ignore_case": True}, ctx))
    assert out == "src/app.py:4:     print('Hello')"


async def test_grep_glob_filter_and_path(ctx: ToolContext, backend: str) -> None:
    out = await ok(grep.run({"pattern": "hello", "glob": "*.py"}, ctx))
    assert out == "src/pkg/util.py:2:     return 'hello again'"
    out = await ok(grep.run({"pattern": "def", "path": "src/pkg"}, ctx))
    assert out == "src/pkg/util.py:1: def helper():"
    out = await ok(grep.run({"pattern": "def", "path": "src/app.py"}, ctx))
    assert out == "src/app.py:3: def main():"


async def test_grep_skips_binary_files(ctx: ToolContext, backend: str) -> None:
    out = await ok(grep.run({"pattern": "binary"}, ctx))
    assert out.startswith("no matches")


async def test_grep_caps_results(root: Path, ctx: ToolContext, backend: str) -> None:
    (root / "log.txt").write_text("match\n" * 50)
    out = await ok(grep.run({"pattern": "match", "max_results": 10}, ctx))
    lines = out.splitlines()
    assert lines[:10] == [f"log.txt:{n}: match" for n in range(1, 11)]
    assert lines[10] == "[stopped at 10 matches; narrow the pattern, path or glob]"


async def test_grep_python_only_syntax_still_works(ctx: ToolContext, backend: str) -> None:
    # ripgrep refuses look-behind; the tool falls back to Python's engine.
    out = await ok(grep.run({"pattern": "(?<=const )hello"}, ctx))
    assert out == "src/pkg/view.ts:1: const hello = 1;"


async def test_grep_errors(ctx: ToolContext) -> None:
    out = await fails(grep.run({"pattern": "def ("}, ctx))
    assert out.startswith("invalid regular expression 'def ('")
    assert "outside" in await fails(grep.run({"pattern": "x", "path": "/etc"}, ctx))
    assert "max_results" in await fails(grep.run({"pattern": "x", "max_results": 0}, ctx))
    assert "not found" in await fails(grep.run({"pattern": "x", "path": "nope"}, ctx))


async def test_grep_does_not_follow_symlinks_outside(
    tmp_path: Path, root: Path, ctx: ToolContext, backend: str
) -> None:
    (tmp_path / "secret.txt").write_text("password=hunter2\n")
    (root / "leak.txt").symlink_to(tmp_path / "secret.txt")
    out = await ok(grep.run({"pattern": "password"}, ctx))
    assert "hunter2" not in out


def test_schemas_have_expected_required_fields() -> None:
    specs = {spec.name: spec.parameters for spec in ToolRegistry(TOOLS).specs()}
    assert specs["glob"]["required"] == ["pattern"]
    assert specs["grep"]["required"] == ["pattern"]
    props = specs["grep"]["properties"]
    assert set(props) == {"pattern", "path", "glob", "ignore_case", "max_results"}  # type: ignore[arg-type]
