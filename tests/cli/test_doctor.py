"""`aura doctor`: the report, and `--vacuum` for database files written by older versions."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

from support import AURA, database_before_task_keys


def aura(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*AURA, *args], capture_output=True, text=True, env=env, timeout=120)


def _old_database(aura_home: Path) -> Path:
    path = aura_home / "data" / "aura-workshop.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    database_before_task_keys(path, bulk=3000)
    return path


def test_vacuum_rewrites_an_old_file_that_doctor_flags(
    cli_env: dict[str, str], aura_home: Path
) -> None:
    _old_database(aura_home)
    report = json.loads(aura(["doctor", "--json"], cli_env).stdout)["database"]
    assert report["page_size"] == 4096 and report["vacuum_advised"] is True
    assert "aura doctor --vacuum" in aura(["doctor"], cli_env).stdout

    done = aura(["doctor", "--vacuum"], cli_env)
    assert done.returncode == 0, done.stderr
    assert "pages of 4096 → 1024 bytes" in done.stdout

    after = json.loads(aura(["doctor", "--json"], cli_env).stdout)["database"]
    assert after["page_size"] == 1024 and after["free_bytes"] == 0
    assert after["vacuum_advised"] is False and after["integrity"] == "ok"
    assert after["bytes"] < report["bytes"]
    assert after["task_messages"] == report["task_messages"] == 3003


def test_vacuum_refuses_while_another_process_uses_the_database(
    cli_env: dict[str, str], aura_home: Path
) -> None:
    path = _old_database(aura_home)
    assert aura(["doctor", "--json"], cli_env).returncode == 0  # upgraded, in WAL mode
    reader = sqlite3.connect(path)
    reader.execute("SELECT COUNT(*) FROM tasks").fetchone()
    try:
        proc = aura(["doctor", "--vacuum"], cli_env)
    finally:
        reader.close()
    assert proc.returncode == 2
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "another Aura process has the database open" in lines[0]
    again = json.loads(aura(["doctor", "--json"], cli_env).stdout)["database"]
    assert again["task_messages"] == 3003 and again["integrity"] == "ok"
