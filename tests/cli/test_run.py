"""``aura run`` in pipe mode: stdout carries the answer or NDJSON, exit codes tell the outcome."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from aura_core.events import EVENT_TYPES
from aura_core.store import open_store
from support import AURA


def aura(args: list[str], env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([*AURA, *args], input=stdin, capture_output=True, text=True, env=env,
                          timeout=120)


def test_plain_output_is_just_the_answer(cli_env: dict[str, str], project: Path, write_script) -> None:  # type: ignore[no-untyped-def]
    model = write_script([
        {"tool_calls": [{"name": "list_dir", "arguments": {"path": "."}}]},
        {"text": "There are two files: README.md and app.py."},
    ])
    proc = aura(["run", "-m", model, "-p", str(project), "What is here?"], cli_env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "There are two files: README.md and app.py.\n"
    assert "Traceback" not in proc.stderr


def test_json_events_and_stdin_message(cli_env: dict[str, str], project: Path, write_script) -> None:  # type: ignore[no-untyped-def]
    model = write_script([
        {"tool_calls": [{"name": "read_file", "arguments": {"path": "README.md"}}]},
        {"text": "It is a demo."},
    ])
    proc = aura(["run", "--json", "-m", model, "-p", str(project)], cli_env,
                stdin="Summarise the README")
    assert proc.returncode == 0, proc.stderr
    events = [json.loads(line) for line in proc.stdout.splitlines()]
    assert all(e["type"] in EVENT_TYPES for e in events)
    assert events[-1]["type"] == "done" and events[-1]["status"] == "completed"
    use = next(e for e in events if e["type"] == "tool_use")
    result = next(e for e in events if e["type"] == "tool_result")
    assert use["name"] == "read_file" and "A demo project." in result["content"]
    task_id = events[0]["task_id"]
    store = open_store()
    messages = store.tasks.messages(task_id)
    assert messages[0].content == "Summarise the README"
    assert [m.role for m in messages] == ["user", "assistant", "tool", "assistant"]
    assert len(store.tasks.events(task_id)) == len(events)


def test_piped_stdin_is_appended_to_the_prompt(cli_env: dict[str, str], project: Path, write_script) -> None:  # type: ignore[no-untyped-def]
    model = write_script([{"text": "ok"}])
    proc = aura(["run", "--json", "-m", model, "-p", str(project), "Explain this log:"], cli_env,
                stdin="ERROR disk full\n")
    task_id = json.loads(proc.stdout.splitlines()[0])["task_id"]
    first = open_store().tasks.messages(task_id)[0].content
    assert first == "Explain this log:\n\nERROR disk full\n"


def test_failed_task_exits_1(cli_env: dict[str, str], project: Path, write_script) -> None:  # type: ignore[no-untyped-def]
    model = write_script([{"tool_calls": [{"name": "list_dir", "arguments": {}}]}] * 5)
    proc = aura(["run", "-m", model, "-p", str(project), "--max-steps", "2", "loop"], cli_env)
    assert proc.returncode == 1
    assert "stopped after 2 steps" in proc.stderr


def test_task_commands_round_trip(cli_env: dict[str, str], project: Path, write_script) -> None:  # type: ignore[no-untyped-def]
    model = write_script([{"text": "Paris."}])
    aura(["run", "--chat", "-m", model, "-p", str(project), "Capital of France?"], cli_env)
    listed = json.loads(aura(["task", "list", "--json"], cli_env).stdout)
    assert len(listed) == 1 and listed[0]["status"] == "completed" and listed[0]["mode"] == "chat"
    task_id = listed[0]["id"]
    shown = json.loads(aura(["task", "show", task_id[:8], "--json"], cli_env).stdout)
    assert [m["content"] for m in shown["messages"]] == ["Capital of France?", "Paris."]
    plain = aura(["task", "show", task_id], cli_env)
    assert "Paris." in plain.stdout
    again = aura(["task", "resume", task_id], cli_env)
    assert again.returncode == 2 and "already completed" in again.stderr
    deleted = aura(["task", "delete", task_id], cli_env)
    assert deleted.returncode == 0
    assert json.loads(aura(["task", "list", "--json"], cli_env).stdout) == []


def test_config_commands(cli_env: dict[str, str]) -> None:
    assert aura(["config", "set", "local.n_ctx", "2048"], cli_env).returncode == 0
    assert aura(["config", "get", "local.n_ctx"], cli_env).stdout.strip() == "2048"
    env = {**cli_env, "AURA_LOCAL_N_CTX": "1024"}
    assert aura(["config", "get", "local.n_ctx"], env).stdout.strip() == "1024"
    listing = aura(["config", "list"], env).stdout
    assert "local.n_ctx" in listing and "env" in listing
    path = Path(aura(["config", "path"], cli_env).stdout.strip())
    assert json.loads(path.read_text())["local"]["n_ctx"] == 2048


def test_tools_flag_limits_what_the_model_sees(cli_env: dict[str, str], project: Path, write_script) -> None:  # type: ignore[no-untyped-def]
    model = write_script([
        {"tool_calls": [{"name": "bash", "arguments": {"command": "echo hi"}}]},
        {"text": "done"},
    ])
    proc = aura(["run", "--json", "--tools", "read_file,list_dir", "-m", model, "-p", str(project),
                 "x"], cli_env)
    events = [json.loads(line) for line in proc.stdout.splitlines()]
    result = next(e for e in events if e["type"] == "tool_result")
    assert result["is_error"] and "unknown tool: bash (available: list_dir, read_file)" in result["content"]
    bad = aura(["run", "--tools", "nosuch", "-m", model, "-p", str(project), "x"], cli_env)
    assert bad.returncode == 2 and "unknown tool(s): nosuch" in bad.stderr
