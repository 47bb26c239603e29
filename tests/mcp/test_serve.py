"""The official MCP client drives ``aura mcp serve`` (stdio and streamable HTTP)."""

from __future__ import annotations

import sys
from pathlib import Path

import httpx
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client
from tests.mcp.conftest import serve_asgi

from aura_core.config import load_config
from aura_core.engine import Engine
from aura_core.mcp.serve import build_server, http_app
from aura_core.store import open_store
from mcp import ClientSession

SERVE = "from aura_cli.commands.mcp import app; app(prog_name='aura mcp')"


async def test_official_client_runs_a_task_over_stdio_and_reads_its_messages(
    cli_env: dict[str, str], project: Path, write_script
) -> None:  # type: ignore[no-untyped-def]
    model = write_script(
        [
            {"text": "Checking.", "tool_calls": [{"name": "list_dir", "arguments": {"path": "."}}]},
            {"text": "The project has a README about a demo."},
        ]
    )
    params = StdioServerParameters(
        command=sys.executable,
        args=["-c", SERVE, "serve", "--model", model, "-p", str(project)],
        env=cli_env,
    )
    async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        names = sorted(t.name for t in (await session.list_tools()).tools)
        assert names == ["get_task_messages", "list_tasks", "run_task", "search_memory"]
        ran = await session.call_tool("run_task", {"message": "What is this project?"})
        done = ran.structured_content
        assert done["status"] == "completed", done
        assert done["answer"] == "The project has a README about a demo."
        task_id = done["task_id"]
        messages = await session.call_tool("get_task_messages", {"task_id": task_id})
        rows = messages.structured_content["result"]
        assert [m["role"] for m in rows] == ["user", "assistant", "tool", "assistant"]
        assert rows[0]["content"] == "What is this project?"
        assert rows[2]["name"] == "list_dir" and "README.md" in rows[2]["content"]
        listed = (await session.call_tool("list_tasks", {})).structured_content["result"]
        assert [t["task_id"] for t in listed] == [task_id]
        found = await session.call_tool("search_memory", {"query": "readme ABOUT"})
        assert found.structured_content["result"][0]["task_id"] == task_id
        missing = await session.call_tool("get_task_messages", {"task_id": "nope-nope"})
        assert missing.is_error and "task not found: nope-nope" in missing.content[0].text


async def test_streamable_http_serve_requires_the_bearer_token(
    aura_home: Path, project: Path, write_script
) -> None:  # type: ignore[no-untyped-def]
    model = write_script([{"text": "Hi from Aura."}])
    engine = Engine(store=open_store(), config=load_config())
    app = http_app(build_server(engine, model=model, project=project), token="t0ken")
    async with serve_asgi(app) as port:
        url = f"http://127.0.0.1:{port}/mcp"
        async with httpx.AsyncClient() as plain:
            denied = await plain.post(url, json={})
        assert denied.status_code == 401 and denied.json()["code"] == "UNAUTHORIZED"
        async with (
            create_mcp_http_client(headers={"Authorization": "Bearer t0ken"}) as http,
            streamable_http_client(url, http_client=http) as (read, write),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            ran = await session.call_tool("run_task", {"message": "hello", "mode": "chat"})
            assert ran.structured_content["answer"] == "Hi from Aura."
    await engine.shutdown()
