"""SIGKILL in the middle of a multi-step task loses nothing; ``aura task resume`` finishes it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from pathlib import Path

from aura_core.store import open_store
from support import AURA


def test_sigkill_mid_task_then_resume(cli_env: dict[str, str], project: Path, write_script) -> None:  # type: ignore[no-untyped-def]
    model = write_script([
        {"text": "Step one.", "tool_calls": [
            {"id": "c1", "name": "bash", "arguments": {"command": "echo one > one.txt"}}]},
        {"text": "Step two takes a while.", "tool_calls": [
            {"id": "c2", "name": "bash", "arguments": {"command": "sleep 30; echo two > two.txt"}}]},
        {"text": "All steps finished."},
    ])
    proc = subprocess.Popen(
        [*AURA, "run", "--json", "-m", model, "-p", str(project), "Do the three steps"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=cli_env,
        start_new_session=True,
    )
    seen: list[dict[str, object]] = []
    assert proc.stdout is not None
    for line in proc.stdout:
        event = json.loads(line)
        seen.append(event)
        if event["type"] == "tool_use" and event["id"] == "c2":
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    task_id = str(seen[0]["task_id"])

    listed = subprocess.run([*AURA, "task", "list", "--interrupted", "--json"],
                            capture_output=True, text=True, env=cli_env, timeout=60)
    rows = json.loads(listed.stdout)
    assert [r["id"] for r in rows] == [task_id]
    assert rows[0]["status"] == "interrupted"

    store = open_store()
    before = store.tasks.messages(task_id)
    assert [m.role for m in before] == ["user", "assistant", "tool", "assistant"]
    assert (project / "one.txt").read_text() == "one\n"
    assert before[3].tool_calls[0].id == "c2"
    store.close()

    resumed = subprocess.run([*AURA, "task", "resume", task_id[:12], "--json"],
                             capture_output=True, text=True, env=cli_env, timeout=120)
    assert resumed.returncode == 0, resumed.stderr
    events = [json.loads(x) for x in resumed.stdout.splitlines()]
    assert events[0]["seq"] > seen[-1]["seq"]  # continues the sequence, no replay
    assert events[-1]["type"] == "done" and events[-1]["status"] == "completed"
    lost = [e for e in events if e["type"] == "tool_result"]
    assert len(lost) == 1 and lost[0]["id"] == "c2" and lost[0]["is_error"]
    assert not any(e["type"] == "tool_use" for e in events)  # nothing re-run silently
    assert not (project / "two.txt").exists()

    store = open_store()
    after = store.tasks.messages(task_id)
    assert [(m.role, m.content) for m in after[:4]] == [(m.role, m.content) for m in before]
    assert after[-1].content == "All steps finished."
    assert store.tasks.get(task_id).status == "completed"
    assert store.integrity_ok()
    seqs = [e.seq for e in store.tasks.events(task_id)]
    assert seqs == list(range(len(seqs)))


async def test_auto_resume_picks_up_crashed_tasks_but_not_cancelled_ones(
        cli_env: dict[str, str], project: Path, write_script) -> None:  # type: ignore[no-untyped-def]
    from aura_core.config import load_config
    from aura_core.engine import Engine

    model = write_script([
        {"tool_calls": [{"id": "w", "name": "bash", "arguments": {"command": "sleep 30"}}]},
        {"text": "Recovered."},
    ])
    proc = subprocess.Popen([*AURA, "run", "--json", "-m", model, "-p", str(project), "crash me"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            env=cli_env)
    assert proc.stdout is not None
    for line in proc.stdout:
        if json.loads(line)["type"] == "tool_use":
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)

    engine = Engine(store=open_store(), config=load_config())
    stopped = await engine.start_task("stopped on purpose", model=model, project=project)
    async for event in stopped.events():
        if event.type == "tool_use":
            await engine.cancel(stopped.task_id)
    handles = await engine.auto_resume()
    assert len(handles) == 1 and handles[0].task_id != stopped.task_id
    outcome = await handles[0].wait()
    assert outcome.status == "completed" and outcome.result == "Recovered."
    assert engine.store.tasks.get(stopped.task_id).status == "interrupted"
    await engine.shutdown()
