"""The README's main job on the real embedded model: a piped task that lists a folder."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from aura_core.events import EVENT_TYPES
from aura_core.store import open_store
from support import AURA


@pytest.mark.local_model
def test_piped_task_on_the_embedded_model(cli_env: dict[str, str], project: Path,
                                          embedded_gguf: Path) -> None:
    env = {**cli_env, "AURA_EMBEDDED_MODEL": str(embedded_gguf)}
    proc = subprocess.run([*AURA, "run", "--json", "-p", str(project)],
                          input="List the files in this folder", capture_output=True, text=True,
                          env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr
    events = [json.loads(line) for line in proc.stdout.splitlines()]
    assert all(e["type"] in EVENT_TYPES for e in events)
    assert events[-1]["type"] == "done" and events[-1]["status"] == "completed"
    uses = [e for e in events if e["type"] == "tool_use"]
    results = {e["id"]: e for e in events if e["type"] == "tool_result"}
    assert uses, "the model made no tool call"
    assert all(u["name"] in {"list_dir", "glob", "bash", "read_file", "grep"} for u in uses)
    assert all(u["id"] in results for u in uses)
    assert any("README.md" in str(r["content"]) for r in results.values())
    store = open_store()
    task_id = events[0]["task_id"]
    assert store.tasks.get(task_id).status == "completed"
    roles = [m.role for m in store.tasks.messages(task_id)]
    assert roles[0] == "user" and "tool" in roles and roles[-1] == "assistant"
    assert len(store.tasks.events(task_id)) == len(events)
