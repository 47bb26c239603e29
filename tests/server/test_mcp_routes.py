"""``/api/mcp``: MCP servers saved, connected and listed over the API (a real stdio server)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from tests.server.conftest import LiveServer

DEMO = '''
from mcp.server.mcpserver import MCPServer

server = MCPServer("demo")


@server.tool()
def add(a: int, b: int) -> int:
    """Add two numbers."""
    return a + b


@server.tool()
def shout(text: str) -> str:
    """Upper-case the text."""
    return text.upper()


if __name__ == "__main__":
    server.run()
'''


@pytest.fixture
def demo_server(tmp_path: Path) -> dict[str, object]:
    """The save body of a stdio MCP server written with the SDK's MCPServer."""
    script = tmp_path / "demo_mcp.py"
    script.write_text(DEMO)
    return {
        "name": "demo",
        "transport": "stdio",
        "command": sys.executable,
        "args": [str(script)],
        "env": {"DEMO_API_TOKEN": "tok-secret-123", "LOG_LEVEL": "debug"},
    }


def test_a_saved_server_is_listed_with_its_secrets_masked(
    live: LiveServer, demo_server: dict[str, object]
) -> None:
    with live.client() as http:
        saved = http.post("/api/mcp/servers", json=demo_server)
        assert saved.status_code == 200
        assert saved.json()["env"] == {"DEMO_API_TOKEN": "********", "LOG_LEVEL": "debug"}
        listed = http.get("/api/mcp/servers").json()["servers"]
        assert [s["name"] for s in listed] == ["demo"]
        assert listed[0]["env"]["DEMO_API_TOKEN"] == "********"
        assert listed[0]["status"]["state"] == "not_connected"
        assert "tok-secret-123" not in http.get("/api/mcp/servers").text
        # Saving the listed form back (masked value and all) keeps the real secret.
        again = {**demo_server, "env": listed[0]["env"], "call_timeout": 30}
        assert http.post("/api/mcp/servers", json=again).status_code == 200
    stored = live.engine.store.mcp.get("demo")
    assert stored is not None and stored.env["DEMO_API_TOKEN"] == "tok-secret-123"
    assert stored.call_timeout == 30


def test_connect_lists_tools_and_statuses_then_disconnect_and_delete(
    live: LiveServer, demo_server: dict[str, object]
) -> None:
    with live.client() as http:
        http.post("/api/mcp/servers", json=demo_server)
        status = http.post("/api/mcp/servers/demo/connect").json()
        assert status["connected"] is True and status["tool_count"] == 2
        assert status["state"] == "connected" and status["error"] is None
        tools = http.get("/api/mcp/tools").json()["tools"]
        assert [t["name"] for t in tools] == ["mcp_demo_add", "mcp_demo_shout"]
        add = tools[0]
        assert add["server"] == "demo" and add["tool"] == "add"
        assert add["description"] == "Add two numbers."
        assert set(add["input_schema"]["properties"]) == {"a", "b"}
        statuses = http.get("/api/mcp/statuses").json()["statuses"]
        assert statuses["demo"]["connected"] is True and statuses["demo"]["tool_count"] == 2

        off = http.post("/api/mcp/servers/demo/disconnect").json()
        assert off["connected"] is False and off["state"] == "disabled"
        assert http.get("/api/mcp/tools").json()["tools"] == []

        assert http.delete("/api/mcp/servers/demo").json() == {"deleted": "demo"}
        assert http.get("/api/mcp/servers").json()["servers"] == []
        gone = http.post("/api/mcp/servers/demo/connect")
        assert gone.status_code == 404 and gone.json()["code"] == "NOT_FOUND"
        assert http.delete("/api/mcp/servers/demo").status_code == 404


def test_a_server_that_cannot_start_gives_a_clear_error_and_an_error_status(
    live: LiveServer, tmp_path: Path
) -> None:
    broken = {"name": "broken", "command": str(tmp_path / "no-such-mcp-server")}
    with live.client() as http:
        http.post("/api/mcp/servers", json=broken)
        response = http.post("/api/mcp/servers/broken/connect")
        assert response.status_code == 400
        body = response.json()
        assert body["code"] == "MCP_UNAVAILABLE" and body["error"]
        status = http.get("/api/mcp/statuses").json()["statuses"]["broken"]
        assert status["connected"] is False and status["state"] == "error"
        assert status["error"] == body["error"]


def test_invalid_server_configs_are_refused(live: LiveServer) -> None:
    with live.client() as http:
        no_command = http.post("/api/mcp/servers", json={"name": "x", "transport": "stdio"})
        assert no_command.status_code == 400
        assert no_command.json()["error"] == "MCP server 'x': a stdio server needs a command"
        bad_url = http.post(
            "/api/mcp/servers", json={"name": "y", "transport": "http", "url": "ftp://host"}
        )
        assert bad_url.status_code == 400 and "http(s) url" in bad_url.json()["error"]
        bad_transport = http.post(
            "/api/mcp/servers", json={"name": "z", "transport": "carrier-pigeon"}
        )
        assert bad_transport.status_code == 400
        assert http.get("/api/mcp/servers").json()["servers"] == []


def test_a_display_name_becomes_a_usable_server_id(live: LiveServer) -> None:
    body = {"name": "File System MCP", "transport": "http", "url": "http://127.0.0.1:9/mcp"}
    with live.client() as http:
        saved = http.post("/api/mcp/servers", json=body).json()
        assert saved["name"] == "File-System-MCP"
        assert saved["transport"] == "http" and saved["url"] == body["url"]
