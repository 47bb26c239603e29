"""Real MCP servers (SDK-written, stdio and HTTP) used by agent tasks through the manager."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.mcp.conftest import group_of, live_group_members, serve_asgi, server_pids, wait_gone

from aura_core.config import load_config
from aura_core.engine import Engine
from aura_core.mcp.manager import McpManager
from aura_core.providers.scripted import ScriptedProvider, Turn
from aura_core.store import open_store
from aura_core.store.mcp import McpServerConfig, McpStore
from aura_core.tools.registry import ToolRegistry


def engine_with(manager: McpManager, turns: list[Turn]) -> Engine:
    engine = Engine(store=open_store(), config=load_config(), tools=ToolRegistry(manager.tools()))
    engine.register_provider(ScriptedProvider(turns))
    return engine


def call(name: str, **arguments: object) -> Turn:
    return Turn(tool_calls=[{"name": name, "arguments": arguments}])


async def run(engine: Engine, project: Path, text: str = "go") -> list:  # type: ignore[type-arg]
    handle = await engine.start_task(text, model="scripted:x", project=project)
    return [e async for e in handle.events()]


def results(events: list) -> list[dict]:  # type: ignore[type-arg]
    return [e.data for e in events if e.type == "tool_result"]


async def test_stdio_server_tools_are_listed_and_an_agent_calls_one(
    manager: McpManager, mcp_store: McpStore, demo_config: McpServerConfig, project: Path
) -> None:
    mcp_store.save(demo_config)
    status = await manager.connect("demo")
    assert status.state == "connected" and status.tool_count == 5
    names = [t.name for t in manager.tools()]
    assert names == [
        "mcp_demo_add",
        "mcp_demo_big",
        "mcp_demo_crash",
        "mcp_demo_token",
        "mcp_demo_whoami",
    ]
    add = next(t for t in manager.tools() if t.name == "mcp_demo_add")
    assert add.parameters["required"] == ["a", "b"]
    assert add.description == "Add two numbers."

    engine = engine_with(manager, [call("mcp_demo_add", a=2, b=40), Turn(text="It is 42.")])
    events = await run(engine, project)
    assert results(events) == [
        {
            "id": results(events)[0]["id"],
            "name": "mcp_demo_add",
            "content": "42",
            "is_error": False,
            "duration_ms": results(events)[0]["duration_ms"],
        }
    ]
    assert events[-1].data["status"] == "completed"
    # the env from the config reached the server process
    assert (await manager.call("demo", "token", {}, "t")).content == "tok-123"
    await engine.shutdown()


async def test_cached_tools_list_instantly_without_a_connection(
    mcp_store: McpStore, demo_config: McpServerConfig
) -> None:
    mcp_store.save(demo_config)
    first = McpManager(mcp_store)
    await first.connect("demo")
    await first.shutdown()
    fresh = McpManager(mcp_store)
    assert len(fresh.tools()) == 5
    assert fresh.status()[0].state == "ready" and not fresh.status()[0].connected


async def test_a_crash_mid_task_is_a_clear_tool_error_and_the_next_call_reconnects(
    manager: McpManager,
    mcp_store: McpStore,
    demo_config: McpServerConfig,
    project: Path,
    pid_dir: Path,
) -> None:
    mcp_store.save(demo_config)
    await manager.connect("demo")
    engine = engine_with(
        manager,
        [
            call("mcp_demo_whoami"),
            call("mcp_demo_crash"),
            call("mcp_demo_whoami"),
            Turn(text="done"),
        ],
    )
    events = await run(engine, project)
    first, crashed, again = results(events)
    assert not first["is_error"]
    assert crashed["is_error"]
    message = str(crashed["content"])
    assert "MCP server 'demo' stopped while running crash" in message
    assert "exited with code 3" in message and "out of cheese" in message
    assert "restarted on the next call" in message
    assert not again["is_error"] and again["content"] != first["content"]
    assert events[-1].data["status"] == "completed"
    assert wait_gone(int(str(first["content"])))
    assert manager.status("demo")[0].state == "connected"
    await engine.shutdown()


async def test_per_task_isolation_starts_a_server_per_task(
    manager: McpManager,
    mcp_store: McpStore,
    demo_config: McpServerConfig,
    project: Path,
    pid_dir: Path,
) -> None:
    demo_config.isolation = "per_task"
    mcp_store.save(demo_config)
    await manager.connect("demo")  # a probe: caches the tools, keeps no session
    assert manager.status("demo")[0].sessions == 0
    engine = engine_with(
        manager, [call("mcp_demo_whoami"), call("mcp_demo_whoami"), Turn(text="ok")]
    )
    one = engine.store.tasks
    first = await run(engine, project)
    second = await run(engine, project)
    pids_first = {r["content"] for r in results(first)}
    pids_second = {r["content"] for r in results(second)}
    assert len(pids_first) == 1 and len(pids_second) == 1  # one server within a task
    assert pids_first != pids_second  # a separate server for each task
    assert manager.status("demo")[0].sessions == 2
    assert await manager.release_task(first[0].task_id) == 1
    assert wait_gone(int(pids_first.pop()))
    assert manager.status("demo")[0].sessions == 1
    assert one.get(second[0].task_id).status == "completed"
    await engine.shutdown()


async def test_watch_releases_per_task_servers_when_the_task_ends(
    manager: McpManager, mcp_store: McpStore, demo_config: McpServerConfig, project: Path
) -> None:
    demo_config.isolation = "per_task"
    mcp_store.save(demo_config)
    await manager.connect("demo")
    engine = engine_with(manager, [call("mcp_demo_whoami"), Turn(text="ok")])
    manager.watch(engine.bus)
    events = await run(engine, project)
    pid = int(str(results(events)[0]["content"]))
    assert await asyncio.to_thread(wait_gone, pid)
    assert manager.status("demo")[0].sessions == 0
    await engine.shutdown()


async def test_shutdown_stops_every_server(
    manager: McpManager, mcp_store: McpStore, demo_config: McpServerConfig, pid_dir: Path
) -> None:
    mcp_store.save(demo_config)
    await manager.connect("demo")
    [pid] = server_pids(pid_dir)
    await manager.shutdown()
    assert wait_gone(pid)


ORPHAN_DRIVER = """
import asyncio, sys
from aura_core.mcp.manager import McpManager
from aura_core.store import open_store
from aura_core.store.mcp import McpStore

async def main():
    manager = McpManager(open_store().mcp)
    for name in sys.argv[1:]:
        await manager.connect(name)
    print("READY", flush=True)
    await asyncio.Event().wait()

asyncio.run(main())
"""


def test_sigkill_of_aura_leaves_no_mcp_server_behind(
    mcp_store: McpStore,
    demo_config: McpServerConfig,
    pid_dir: Path,
    tmp_path: Path,
    cli_env: dict[str, str],
) -> None:
    mcp_store.save(demo_config)
    driver = tmp_path / "driver.py"
    driver.write_text(ORPHAN_DRIVER)
    proc = subprocess.Popen(
        [sys.executable, str(driver), "demo"], stdout=subprocess.PIPE, text=True, env=cli_env
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "READY"
    [pid] = server_pids(pid_dir)
    group = group_of(pid)
    assert group != os.getpgrp()  # the server runs in its own process group
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert wait_gone(pid), "the MCP server outlived Aura"
    # the watchdog that started it exits right after; wait for each member, never sleep
    assert all(wait_gone(member) for member in live_group_members(group))
    assert live_group_members(group) == []


async def test_unreachable_server_gives_clear_errors_and_backs_off(mcp_store: McpStore) -> None:
    now = [100.0]
    manager = McpManager(mcp_store, clock=lambda: now[0])
    mcp_store.save(McpServerConfig("ghost", command="no-such-mcp-server-binary"))
    first = await manager.call("ghost", "x", {}, "t1")
    assert first.is_error
    assert first.content == (
        "MCP server 'ghost' is unavailable: command not found: no-such-mcp-server-binary"
    )
    second = await manager.call("ghost", "x", {}, "t1")
    assert "retrying in 1 s" in second.content
    assert manager.status("ghost")[0].state == "error"
    now[0] += 1.5
    third = await manager.call("ghost", "x", {}, "t1")
    assert "retrying" not in third.content  # tried again after the backoff
    assert manager.status("ghost")[0].retry_in == 2.0
    await manager.shutdown()


def http_demo():  # type: ignore[no-untyped-def]
    from mcp.server.mcpserver import MCPServer

    server = MCPServer("http-demo")

    @server.tool()
    def shout(text: str) -> str:
        """Upper-case the text."""
        return text.upper()

    return server


def recording(app, seen: list[dict[bytes, bytes]]):  # type: ignore[no-untyped-def]
    async def wrapper(scope, receive, send):  # type: ignore[no-untyped-def]
        if scope["type"] == "http":
            seen.append(dict(scope["headers"]))
        await app(scope, receive, send)

    return wrapper


async def test_streamable_http_server_with_custom_headers(
    manager: McpManager, mcp_store: McpStore, project: Path
) -> None:
    seen: list[dict[bytes, bytes]] = []
    async with serve_asgi(recording(http_demo().streamable_http_app(), seen)) as port:
        mcp_store.save(
            McpServerConfig(
                "web",
                "http",
                url=f"http://127.0.0.1:{port}/mcp",
                headers={"X-Api-Key": "k-999", "X-Team": "blue"},
            )
        )
        status = await manager.connect("web")
        assert status.state == "connected" and status.tool_count == 1
        engine = engine_with(manager, [call("mcp_web_shout", text="hi"), Turn(text="ok")])
        events = await run(engine, project)
        assert results(events)[0]["content"] == "HI"
        assert all(h.get(b"x-api-key") == b"k-999" for h in seen)
        await manager.shutdown()
        await engine.shutdown()


async def test_http_falls_back_to_legacy_sse(manager: McpManager, mcp_store: McpStore) -> None:
    async with serve_asgi(http_demo().sse_app()) as port:
        mcp_store.save(McpServerConfig("old", "http", url=f"http://127.0.0.1:{port}/sse"))
        assert (await manager.connect("old")).state == "connected"
        result = await manager.call("old", "shout", {"text": "sse"}, "t")
        assert result.content == "SSE" and not result.is_error
        await manager.shutdown()


async def test_http_server_down_is_a_clear_error(manager: McpManager, mcp_store: McpStore) -> None:
    async with serve_asgi(http_demo().streamable_http_app()) as port:
        pass  # the port is free again: nothing listens
    mcp_store.save(McpServerConfig("down", "http", url=f"http://127.0.0.1:{port}/mcp"))
    result = await manager.call("down", "shout", {"text": "x"}, "t")
    assert result.is_error
    assert result.content.startswith("MCP server 'down' is unavailable:")
    assert f"127.0.0.1:{port}" in result.content


async def test_a_server_added_while_aura_runs_serves_the_next_task(
    store, demo_config: McpServerConfig, project: Path  # type: ignore[no-untyped-def]
) -> None:
    engine = Engine(store=store, config=load_config())
    engine.register_provider(ScriptedProvider([call("mcp_demo_add", a=1, b=2), Turn(text="3")]))
    assert "mcp_demo_add" not in engine.tools.names()
    # another `aura` process (or `POST /api/mcp/servers`) adds and connects a server
    other = McpManager(McpStore(open_store(store.path).db))
    other.store.save(demo_config)
    await other.connect("demo")
    await other.shutdown()
    assert "mcp_demo_add" in engine.tools.names()
    events = await run(engine, project)
    assert results(events)[0]["content"] == "3"
    # disabling it takes it away from the next task again
    await engine.mcp.disconnect("demo")
    assert "mcp_demo_add" not in engine.tools.names()
    await engine.mcp.shutdown()
