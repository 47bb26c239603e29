"""``aura memory``: files, facts, search and instructions from the command line."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from aura_core.store import open_store
from aura_core.store.memory import Fact
from support import AURA


def aura(args: list[str], env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([*AURA, *args], input=stdin, capture_output=True, text=True, env=env,
                          timeout=60)


def test_memory_files_round_trip(cli_env: dict[str, str], project: Path) -> None:
    assert aura(["memory", "add", "style", "Prefer small functions."], cli_env).returncode == 0
    assert aura(["memory", "add", "db", "--project-scope", "-p", str(project)], cli_env,
                stdin="Postgres 16 on port 5432").returncode == 0
    listed = json.loads(aura(["memory", "list", "-p", str(project), "--json"], cli_env).stdout)
    assert {(m["scope"], m["name"]) for m in listed} == {("user", "style"), ("project", "db")}
    assert (project / ".aura" / "memory" / "db.md").read_text().startswith("Postgres 16")
    gone = aura(["memory", "rm", "style"], cli_env)
    assert gone.returncode == 0
    missing = aura(["memory", "rm", "style"], cli_env)
    assert missing.returncode == 1 and "no user memory named 'style'" in missing.stderr


def test_facts_search_and_delete(cli_env: dict[str, str], project: Path, tmp_path: Path) -> None:
    store = open_store()
    mine = store.memory.add_fact(Fact("Use FastAPI not Flask", "correction", 0.95, "project",
                                      str(project)))
    store.memory.add_fact(Fact("Other project uses Django", "knowledge", 0.7, "project",
                               str(tmp_path)))
    store.memory.add_fact(Fact("User prefers Python", "preference", 0.9, "global"))
    store.close()
    facts = json.loads(aura(["memory", "facts", "-p", str(project), "--json"], cli_env).stdout)
    assert {f["content"] for f in facts} == {"Use FastAPI not Flask", "User prefers Python"}
    every = json.loads(aura(["memory", "facts", "--all", "--json"], cli_env).stdout)
    assert len(every) == 3
    hits = json.loads(aura(["memory", "search", "fastapi", "-p", str(project), "--json"],
                           cli_env).stdout)
    assert [h["content"] for h in hits] == ["Use FastAPI not Flask"]
    assert aura(["memory", "rm", "--fact", str(mine.id)], cli_env).returncode == 0
    assert aura(["memory", "search", "fastapi", "-p", str(project), "--json"],
                cli_env).stdout.strip() == "[]"
    bad = aura(["memory", "facts", "--category", "nonsense"], cli_env)
    assert bad.returncode == 2 and "unknown category" in bad.stderr


def test_instructions_shows_what_the_agent_gets(cli_env: dict[str, str], project: Path) -> None:
    none = aura(["memory", "instructions", "-p", str(project)], cli_env)
    assert "no instruction files found" in none.stdout
    (project / "AGENTS.md").write_text("Run pytest before committing.\n")
    shown = json.loads(aura(["memory", "instructions", "-p", str(project), "--json"], cli_env).stdout)
    assert shown["files"] == [str(project / "AGENTS.md")]
    assert "Run pytest before committing." in shown["text"]
    edited = aura(["memory", "instructions", "-p", str(project), "--edit"],
                  {**cli_env, "EDITOR": "sh -c 'echo \"Use tabs.\" >> \"$0\"'"})
    assert edited.returncode == 0, edited.stderr
    assert "Use tabs." in (project / "AURA.md").read_text()
