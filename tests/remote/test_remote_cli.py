"""``aura -s URL -t TOKEN``: the CLI against a real ``aura serve`` gives the same stream."""

from __future__ import annotations

import json
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from support import AURA

TOKEN = "remote-test-token-123"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(cli_env: dict[str, str], tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    env = {**cli_env, "AURA_HOME": str(tmp_path / "server-home"), "AURA_WEB_TOKEN": TOKEN}
    proc = subprocess.Popen([*AURA, "serve", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(f"{url}/api/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail("aura serve did not start")
    yield url
    proc.terminate()
    proc.wait(timeout=20)


def _normalise(lines: list[str]) -> list[dict[str, object]]:
    out = []
    for line in lines:
        event = json.loads(line)
        for key in ("task_id", "ts", "duration_ms", "ttft_ms", "latency_ms"):
            event.pop(key, None)
        if event["type"] == "tool_use" or event["type"] == "tool_result":
            event.pop("id", None)
        out.append(event)
    return out


def test_remote_run_prints_the_same_event_stream(server: str, cli_env: dict[str, str],
                                                 project: Path, write_script) -> None:  # type: ignore[no-untyped-def]
    model = write_script([
        {"text": "Looking.", "tool_calls": [{"name": "list_dir", "arguments": {"path": "."}}]},
        {"text": "Two files."},
    ])
    args = ["run", "--json", "-m", model, "-p", str(project), "What is here?"]
    local = subprocess.run([*AURA, *args], capture_output=True, text=True, env=cli_env, timeout=120)
    remote = subprocess.run([*AURA, "-s", server, "-t", TOKEN, *args], capture_output=True,
                            text=True, env=cli_env, timeout=120)
    assert local.returncode == 0 and remote.returncode == 0, remote.stderr
    assert _normalise(remote.stdout.splitlines()) == _normalise(local.stdout.splitlines())

    listed = subprocess.run([*AURA, "-s", server, "-t", TOKEN, "task", "list", "--json"],
                            capture_output=True, text=True, env=cli_env, timeout=60)
    tasks = json.loads(listed.stdout)
    assert len(tasks) == 1 and tasks[0]["status"] == "completed"


def test_remote_errors_are_one_line(server: str, cli_env: dict[str, str], project: Path) -> None:
    wrong = subprocess.run([*AURA, "-s", server, "-t", "nope", "run", "hi"], capture_output=True,
                           text=True, env=cli_env, timeout=60)
    assert wrong.returncode == 1 and "refused the token" in wrong.stderr
    assert len(wrong.stderr.strip().splitlines()) == 1
    down = subprocess.run([*AURA, "-s", "http://127.0.0.1:9", "run", "hi"], capture_output=True,
                          text=True, env=cli_env, timeout=60)
    assert down.returncode == 1 and "cannot reach the server" in down.stderr
    env = {**cli_env, "AURA_SERVER": server, "AURA_TOKEN": TOKEN}
    missing = subprocess.run([*AURA, "task", "show", "deadbeef"], capture_output=True, text=True,
                             env=env, timeout=60)
    assert missing.returncode == 1 and "deadbeef" in missing.stderr


def test_remote_run_limits_the_tools_like_a_local_run(server: str, cli_env: dict[str, str],
                                                      project: Path, write_script) -> None:  # type: ignore[no-untyped-def]
    model = write_script([
        {"tool_calls": [{"name": "bash", "arguments": {"command": "echo hi"}}]},
        {"text": "Could not run it."},
    ])
    args = ["-s", server, "-t", TOKEN, "run", "--json", "--tools", "read_file", "-m", model,
            "-p", str(project), "Run echo"]
    done = subprocess.run([*AURA, *args], capture_output=True, text=True, env=cli_env,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    results = [e for e in map(json.loads, done.stdout.splitlines()) if e["type"] == "tool_result"]
    assert results[0]["is_error"] and "unknown tool: bash (available: read_file)" in str(
        results[0]["content"])
    unknown = subprocess.run([*AURA, "-s", server, "-t", TOKEN, "run", "--tools", "nope", "-m",
                              model, "hi"], capture_output=True, text=True, env=cli_env,
                             timeout=60)
    assert unknown.returncode != 0 and "unknown tool(s): nope" in unknown.stderr
    assert len(unknown.stderr.strip().splitlines()) == 1
