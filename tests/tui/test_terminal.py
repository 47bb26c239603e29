"""End to end: the TUI in a real terminal (tmux) and on the real embedded local model."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.tui.conftest import FIXED_NOW, settle

from aura_cli.tui.app import AuraApp
from aura_cli.tui.backend import LocalBackend
from aura_cli.tui.widgets.tool_card import ToolCard
from aura_core.config import load_config
from aura_core.engine import Engine
from aura_core.store import open_store


def _capture(session: str) -> str:
    return subprocess.run(
        ["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True, check=False
    ).stdout


def _wait_for(session: str, needle: str, seconds: float = 30.0) -> str:
    deadline = time.monotonic() + seconds
    screen = ""
    while time.monotonic() < deadline:
        screen = _capture(session)
        if needle in screen:
            return screen
        time.sleep(0.2)  # polling another process's screen; not a timing assertion
    raise AssertionError(f"{needle!r} never appeared; screen was:\n{screen}")


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_tui_in_tmux_answers_a_prompt(write_script, cli_env, project: Path) -> None:
    model = write_script([{"text": "Hello from the scripted model."}])
    env = {**cli_env, "AURA_MODEL": model, "TERM": "xterm-256color"}
    session = f"aura-tui-{project.parent.name[-12:]}"
    command = f"{sys.executable} -m aura_cli.commands.tui"
    subprocess.run(
        [
            "tmux",
            "new-session",
            "-d",
            "-s",
            session,
            "-x",
            "120",
            "-y",
            "40",
            "-c",
            str(project),
            *[
                f"-e{k}={v}"
                for k, v in env.items()
                if k.startswith(("AURA_", "PATH", "HOME", "TERM"))
            ],
            command,
        ],
        check=True,
    )
    try:
        _wait_for(session, "Quick actions")
        subprocess.run(["tmux", "send-keys", "-t", session, "-l", "say hello"], check=True)
        subprocess.run(["tmux", "send-keys", "-t", session, "Enter"], check=True)
        screen = _wait_for(session, "Hello from the scripted model.")
        assert "completed" in screen
        subprocess.run(["tmux", "send-keys", "-t", session, "C-q"], check=True)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], check=False, capture_output=True)


@pytest.mark.local_model
async def test_real_local_model_streams_into_the_thread(project: Path, monkeypatch) -> None:
    pytest.importorskip("llama_cpp")
    pytest.importorskip("aura_core.providers.local")
    monkeypatch.setenv("AURA_MAX_STEPS", "3")
    monkeypatch.setenv("AURA_LOCAL_MAX_TOKENS", "48")
    engine = Engine(store=open_store(), config=load_config())
    app = AuraApp(
        LocalBackend(engine),
        model="local:gemma3-270m",
        project=project,
        clock=lambda: FIXED_NOW,
        problems=lambda _m: [],
    )
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press(*"List the files in this folder.", "enter")
            await settle(app)
            ws = app.workspace
            assert ws.current is not None
            thread = ws.threads[ws.current]
            assert thread.status in ("completed", "failed")
            # The model either called a tool (a card with a result) or answered in text.
            cards = list(thread.query(ToolCard))
            assert cards or thread.answer.strip()
            assert all(card.status != "running" for card in cards)
    finally:
        engine.store.close()
