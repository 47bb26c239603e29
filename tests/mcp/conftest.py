"""MCP test fixtures: a demo MCP server script, in-process HTTP servers, the npm servers."""

from __future__ import annotations

import asyncio
import os
import select
import shutil
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from aura_core.mcp.manager import McpManager
from aura_core.store import Store, open_store
from aura_core.store.mcp import McpServerConfig, McpStore

NPM_PACKAGES = (
    "@modelcontextprotocol/server-filesystem",
    "@modelcontextprotocol/server-everything",
)

DEMO_SERVER = '''
import os, pathlib, sys
from mcp.server.mcpserver import MCPServer

server = MCPServer("demo")
pid_dir = os.environ.get("DEMO_PID_DIR")
if pid_dir:
    pathlib.Path(pid_dir, f"{os.getpid()}.pid").write_text(str(os.getpid()))


@server.tool()
def add(a: int, b: int) -> int:
    """Add two numbers."""
    return a + b


@server.tool()
def whoami() -> str:
    """Return this server process's id."""
    return str(os.getpid())


@server.tool()
def crash() -> str:
    """Exit at once, as a crashing server would."""
    sys.stderr.write("demo: fatal: out of cheese\\n")
    sys.stderr.flush()
    os._exit(3)


@server.tool()
def big(n: int) -> str:
    """Return n characters."""
    return "x" * n


@server.tool()
def token() -> str:
    """Return the DEMO_API_TOKEN environment variable."""
    return os.environ.get("DEMO_API_TOKEN", "")


if __name__ == "__main__":
    server.run()
'''


@pytest.fixture
def demo_script(tmp_path: Path) -> Path:
    """A stdio MCP server written with the SDK's MCPServer."""
    path = tmp_path / "demo_server.py"
    path.write_text(DEMO_SERVER)
    return path


@pytest.fixture
def pid_dir(tmp_path: Path) -> Path:
    """Where demo servers write one file per process they start."""
    path = tmp_path / "pids"
    path.mkdir()
    return path


@pytest.fixture
def demo_config(demo_script: Path, pid_dir: Path) -> McpServerConfig:
    """A stdio config for the demo server."""
    return McpServerConfig(
        "demo",
        "stdio",
        command=sys.executable,
        args=[str(demo_script)],
        env={"DEMO_PID_DIR": str(pid_dir), "DEMO_API_TOKEN": "tok-123"},
    )


@pytest.fixture
def store(aura_home: Path) -> Store:
    """A fresh database."""
    db = open_store()
    yield db
    db.close()


@pytest.fixture
def mcp_store(store: Store) -> McpStore:
    """The MCP table group on the fresh database."""
    return McpStore(store.db)


@pytest.fixture
async def manager(mcp_store: McpStore) -> AsyncIterator[McpManager]:
    """A connection manager that is shut down after the test."""
    mgr = McpManager(mcp_store)
    yield mgr
    await mgr.shutdown()


def server_pids(pid_dir: Path) -> list[int]:
    """Pids of the demo server processes started so far."""
    return sorted(int(p.read_text()) for p in pid_dir.glob("*.pid"))


def wait_gone(pid: int, timeout: float = 20.0) -> bool:
    """Block until process ``pid`` has exited (True) or ``timeout`` passes (False)."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        ready, _, _ = select.select([fd], [], [], timeout)
        return bool(ready)
    finally:
        os.close(fd)


def group_of(pid: int) -> int:
    """The process group id of a live process."""
    return os.getpgid(pid)


def _live_processes() -> list[tuple[int, int, int]]:
    """(pid, parent pid, process group) of every process that is not a zombie."""
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] != "Z":
            out.append((int(entry.name), int(fields[1]), int(fields[2])))
    return out


def live_group_members(pgid: int) -> list[int]:
    """Pids (not zombies) whose process group is ``pgid``."""
    return [pid for pid, _, group in _live_processes() if group == pgid]


def children_of(pid: int) -> list[int]:
    """Live child processes of ``pid``."""
    return [child for child, parent, _ in _live_processes() if parent == pid]


@asynccontextmanager
async def serve_asgi(app) -> AsyncIterator[int]:  # type: ignore[no-untyped-def]
    """Run an ASGI app with uvicorn in this event loop on a free loopback port."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        yield port
    finally:
        server.should_exit = True
        await task
        sock.close()


@pytest.fixture(scope="session")
def npm_bin() -> Path:
    """The published MCP servers, installed once into ~/.cache/aura-test-npm."""
    npm, node = shutil.which("npm"), shutil.which("node")
    if not npm or not node:
        pytest.skip("npm and node are needed to run the published @modelcontextprotocol servers")
    prefix = Path(
        os.environ.get("AURA_TEST_NPM_PREFIX") or Path.home() / ".cache" / "aura-test-npm"
    )
    bins = prefix / "node_modules" / ".bin"
    wanted = ("mcp-server-filesystem", "mcp-server-everything")
    if not all((bins / name).exists() for name in wanted):
        prefix.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [npm, "install", "--prefix", str(prefix), "--no-audit", "--no-fund", *NPM_PACKAGES],
            check=True,
            timeout=600,
            capture_output=True,
        )
    return bins
