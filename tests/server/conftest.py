"""A real ``aura serve`` on a free loopback port, driven by a scripted provider."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn

from aura_cli.server import create_app
from aura_core.config import load_config
from aura_core.engine import Engine
from aura_core.messages import Message
from aura_core.providers.base import ModelRequest
from aura_core.providers.scripted import ScriptedProvider, Turn
from aura_core.store import open_store
from aura_core.tools.registry import ToolRegistry, tool

TOKEN = "test-token-0123456789"


@tool
def echo(text: str) -> str:
    """Echo the text back.

    Args:
        text: What to echo.
    """
    return f"echo: {text}"


def _last_user(messages: list[Message]) -> str:
    return next((m.content for m in reversed(messages) if m.role == "user"), "")


def scripted_turn(request: ModelRequest) -> Turn:
    """Deterministic replies: tool calls when asked, the tool's result echoed back after."""
    last = request.messages[-1]
    if last.role == "tool":
        return Turn(text=f"The tool said: {last.content}")
    prompt = _last_user(request.messages)
    names = {t.name for t in request.tools}
    if "get_weather" in names and "weather" in prompt:
        return Turn(text="", tool_calls=[{"name": "get_weather", "arguments": {"city": "Paris"}}])
    if "echo" in names and "use echo" in prompt:
        return Turn(text="Echoing.", tool_calls=[{"name": "echo", "arguments": {"text": "hi"}}])
    if "count" in prompt:
        return Turn(text="one two three four five six seven eight nine ten")
    if "slow" in prompt:
        return Turn(text="finally done", delay=0.3)
    return Turn(text="Hello from Aura.")


@dataclass(slots=True)
class LiveServer:
    """A running server and what tests need to talk to it."""

    url: str
    token: str | None
    engine: Engine

    def client(self, token: str | None = "default", **kwargs: object) -> httpx.Client:
        """An httpx client with the server's token (or the given one, or none)."""
        use = self.token if token == "default" else token
        headers = {"Authorization": f"Bearer {use}"} if use else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30, **kwargs)  # type: ignore[arg-type]


def start_server(
    engine: Engine, token: str | None
) -> tuple[LiveServer, uvicorn.Server, threading.Thread]:
    """Serve ``engine`` on a free port in a background thread; return once it accepts."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    app = create_app(engine, token=token)
    server = uvicorn.Server(
        uvicorn.Config(app, log_level="warning", lifespan="on", timeout_graceful_shutdown=2)
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("server did not start")
        time.sleep(0.01)  # waiting for readiness, not for timing
    return LiveServer(f"http://127.0.0.1:{port}", token, engine), server, thread


@pytest.fixture
def live(aura_home: Path, project: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LiveServer]:
    """A real server with a token, the scripted provider as default model and the echo tool."""
    monkeypatch.setenv("AURA_MODEL", "scripted:x")
    monkeypatch.chdir(project)
    engine = Engine(store=open_store(), config=load_config(), tools=ToolRegistry([echo]))
    engine.register_provider(ScriptedProvider(scripted_turn))
    info, server, thread = start_server(engine, TOKEN)
    yield info
    server.should_exit = True
    thread.join(timeout=10)
