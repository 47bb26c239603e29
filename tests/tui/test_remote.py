"""The TUI against a real ``aura serve`` (subprocess) through `RemoteBackend`."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from tests.tui.conftest import FIXED_NOW, settle

from aura_cli.remote import RemoteClient, RemoteSettings
from aura_cli.tui.app import AuraApp
from aura_cli.tui.remote_backend import RemoteBackend
from aura_cli.tui.screens.approval import ApprovalScreen
from aura_cli.tui.widgets.thread import Thread
from aura_cli.tui.widgets.tool_card import ToolCard
from aura_core.providers.resolve import DEFAULT_MODEL
from support import AURA

TOKEN = "tui-remote-token-456"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(env: dict[str, str]) -> Iterator[str]:
    """Run ``aura serve`` on a free loopback port with ``env``; yields its URL."""
    port = _free_port()
    proc = subprocess.Popen(
        [*AURA, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(f"{url}/api/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)  # waiting for another process to listen, not a timing assertion
    else:
        proc.kill()
        pytest.fail("aura serve did not start")
    yield url
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture
def server(cli_env: dict[str, str], tmp_path: Path) -> Iterator[str]:
    """A real ``aura serve`` on a free loopback port, with its own AURA_HOME."""
    env = {**cli_env, "AURA_HOME": str(tmp_path / "server-home"), "AURA_WEB_TOKEN": TOKEN}
    yield from _serve(env)


@pytest.fixture
def guarded_server(cli_env: dict[str, str], tmp_path: Path) -> Iterator[str]:
    """Like `server`, but ``list_dir`` calls wait for approval."""
    env = {
        **cli_env,
        "AURA_HOME": str(tmp_path / "server-home"),
        "AURA_WEB_TOKEN": TOKEN,
        "AURA_TOOLS_REQUIRE_APPROVAL": "list_dir",
    }
    yield from _serve(env)


def remote_app(url: str, project: Path, model: str | None = None) -> AuraApp:
    backend = RemoteBackend(RemoteClient(RemoteSettings(url, TOKEN)))
    return AuraApp(
        backend, model=model, project=project, clock=lambda: FIXED_NOW, problems=lambda _m: []
    )


def on_screen(app: AuraApp) -> Thread:
    ws = app.workspace
    assert ws.current is not None
    return ws.threads[ws.current]


async def test_remote_mode_streams_a_task_with_a_tool_card_and_reopens_it(
    server: str, project: Path, write_script
) -> None:  # type: ignore[no-untyped-def]
    model = write_script(
        [
            {"text": "Looking.", "tool_calls": [{"name": "list_dir", "arguments": {"path": "."}}]},
            {"text": "Two **files** here."},
            {"text": "Follow-up answer."},
        ]
    )
    app = remote_app(server, project, model)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"what is here?", "enter")
        await settle(app)
        thread = on_screen(app)
        assert thread.status == "completed"
        assert thread.answer == "Looking.Two **files** here."
        card = thread.query_one(ToolCard)
        assert card.status == "ok" and card.title.startswith("✓ list_dir")
        assert f"@ {server}" in str(app.workspace.query_one("#composer-status").render())

        await pilot.press(*"and then?", "enter")
        await settle(app)
        assert thread.answer.endswith("Follow-up answer.")
        assert thread.status == "completed"
        task_id = thread.task_id

    # A second TUI on the same server sees the task and replays both runs.
    again = remote_app(server, project)
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(again)
        assert again.workspace.model == DEFAULT_MODEL  # the server's default
        await pilot.press("ctrl+t")
        await settle(again)
        view = again.workspace.query_one("TaskList")
        assert view.shown == [task_id]
        view.query_one("#task-table").focus()
        await pilot.press("enter")
        await settle(again)
        replayed = on_screen(again)
        assert replayed.task_id == task_id
        assert replayed.answer == "Looking.Two **files** here.Follow-up answer."
        assert replayed.status == "completed"
        assert len(replayed.query(ToolCard)) == 1


async def test_remote_mode_asks_for_approval_and_sends_the_decision_to_the_server(
    guarded_server: str, project: Path, write_script
) -> None:  # type: ignore[no-untyped-def]
    model = write_script(
        [
            {"tool_calls": [{"name": "list_dir", "arguments": {"path": "."}}]},
            {"text": "Listed."},
        ]
    )
    app = remote_app(guarded_server, project, model)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"what is here?", "enter")
        for _ in range(3000):  # events come from another process: poll the app, bounded
            if isinstance(app.screen, ApprovalScreen):
                break
            await pilot.pause()
        assert isinstance(app.screen, ApprovalScreen)
        assert app.screen.tool_name == "list_dir"
        assert on_screen(app).query_one(ToolCard).status == "waiting"
        await pilot.press("y")
        await settle(app)
        thread = on_screen(app)
        assert thread.status == "completed"
        assert thread.answer == "Listed."
        assert thread.query_one(ToolCard).title.startswith("✓ list_dir")


async def test_remote_mode_reports_an_unreachable_server(project: Path) -> None:
    app = remote_app("http://127.0.0.1:9", project, "scripted:x")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app)
        await pilot.press(*"hello", "enter")
        await settle(app)
        assert any("cannot reach the server" in n.message for n in app._notifications)
