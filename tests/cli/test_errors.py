"""Bad input gives one line on stderr and a non-zero exit, never a traceback."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from support import AURA


def aura(args: list[str], env: dict[str, str], stdin: str = "", cwd: Path | None = None
         ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*AURA, *args], input=stdin, capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=60)


def assert_one_line_error(proc: subprocess.CompletedProcess[str], code: int, needle: str) -> None:
    assert proc.returncode == code, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, proc.stderr
    assert needle in lines[0]


def test_unknown_model_provider(cli_env: dict[str, str], project: Path) -> None:
    proc = aura(["run", "-m", "nosuch:model", "-p", str(project), "hi"], cli_env)
    assert_one_line_error(proc, 1, "unknown model provider 'nosuch'")


def test_unknown_local_model(cli_env: dict[str, str], project: Path) -> None:
    proc = aura(["run", "-m", "local:does-not-exist.gguf", "-p", str(project), "hi"], cli_env)
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    assert "does-not-exist" in proc.stderr


def test_missing_project_dir(cli_env: dict[str, str], tmp_path: Path, write_script) -> None:  # type: ignore[no-untyped-def]
    model = write_script([{"text": "hi"}])
    proc = aura(["run", "-m", model, "-p", str(tmp_path / "nope"), "hi"], cli_env)
    assert_one_line_error(proc, 2, "project directory not found")


def test_unreadable_script_file(cli_env: dict[str, str], project: Path, tmp_path: Path) -> None:
    proc = aura(["run", "-m", f"scripted:{tmp_path / 'missing.json'}", "-p", str(project), "hi"],
                cli_env)
    assert_one_line_error(proc, 1, "script not found")


def test_malformed_config(cli_env: dict[str, str], aura_home: Path, project: Path) -> None:
    cfg = aura_home / "user" / "config.json"
    cfg.parent.mkdir(parents=True)
    cfg.write_text('{"model": "local:x",, }')
    proc = aura(["run", "-p", str(project), "hi"], cli_env)
    assert_one_line_error(proc, 2, "malformed config file")
    assert "line 1" in proc.stderr


def test_bad_environment_override(cli_env: dict[str, str], project: Path) -> None:
    proc = aura(["config", "get", "max_steps"], {**cli_env, "AURA_MAX_STEPS": "lots"})
    assert_one_line_error(proc, 2, "AURA_MAX_STEPS: max_steps must be a int")


def test_empty_prompt(cli_env: dict[str, str], project: Path) -> None:
    proc = aura(["run", "-p", str(project)], cli_env, stdin="")
    assert_one_line_error(proc, 2, "no prompt")


def test_unknown_task(cli_env: dict[str, str]) -> None:
    for sub in (["show", "deadbeef"], ["resume", "deadbeef"], ["delete", "deadbeef"]):
        proc = aura(["task", *sub], cli_env)
        assert_one_line_error(proc, 1, "task not found: deadbeef")


@pytest.mark.parametrize("args,needle", [
    (["config", "get", "no.such.key"], "unknown setting: no.such.key"),
    (["config", "set", "max_steps", "abc"], "max_steps must be a int"),
    (["config", "set", "tools.sandbox", "maybe"], "tools.sandbox must be a bool"),
    (["task", "list", "--status", "weird"], "unknown status 'weird'"),
    (["models", "use", "nosuch:thing"], "unknown model provider 'nosuch'"),
])
def test_bad_arguments(cli_env: dict[str, str], args: list[str], needle: str) -> None:
    proc = aura(args, cli_env)
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    assert needle in proc.stderr


def test_unreadable_database(cli_env: dict[str, str], aura_home: Path) -> None:
    db = aura_home / "data" / "aura-workshop.db"
    db.parent.mkdir(parents=True)
    db.write_bytes(b"this is not a sqlite database at all" * 100)
    proc = aura(["task", "list"], cli_env)
    assert_one_line_error(proc, 2, "cannot open the database")
    assert db.read_bytes().startswith(b"this is not")  # nothing overwritten
