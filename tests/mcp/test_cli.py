"""``aura mcp``: add, list, tools, connect, disconnect, remove and import, via CliRunner."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aura_cli.commands.mcp import app
from aura_core.errors import NotFoundError, UsageError
from aura_core.mcp.importer import parse_mcp_servers
from aura_core.store import open_store

runner = CliRunner()

CLAUDE_DESKTOP = {
    "mcpServers": {
        "filesystem": {
            "command": "npx",
            "args": ["-y", "@modelcontextprotocol/server-filesystem", "/Users/me/Desktop"],
        },
        "github": {
            "command": "docker",
            "args": ["run", "-i", "--rm", "ghcr.io/github/github-mcp-server"],
            "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": "ghp_secret"},
        },
        "Linear Cloud": {"url": "https://mcp.linear.app/sse", "type": "sse"},
        "remote": {
            "url": "https://mcp.example.com/mcp",
            "headers": {"Authorization": "Bearer tok_live"},
        },
    }
}


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), catch_exceptions=True)


def test_add_stdio_server_connects_and_lists_tools(demo_script: Path) -> None:
    out = invoke(
        "add", "demo", "--env", "DEMO_API_TOKEN=tok-123", "--", sys.executable, str(demo_script)
    )
    assert out.exit_code == 0, out.output
    assert "saved MCP server demo (stdio)" in out.output and "connected: 5 tools" in out.output
    listed = json.loads(invoke("list", "--json").output)
    assert listed[0]["name"] == "demo" and listed[0]["args"] == [str(demo_script)]
    assert listed[0]["env"] == {"DEMO_API_TOKEN": "********"}
    assert listed[0]["status"]["tool_count"] == 5 and listed[0]["status"]["state"] == "ready"
    text = invoke("list").output
    assert "demo" in text and "tok-123" not in text
    tools = json.loads(invoke("tools", "--json").output)["tools"]
    assert [t["name"] for t in tools][:2] == ["mcp_demo_add", "mcp_demo_big"]
    assert "mcp_demo_add  Add two numbers." in invoke("tools").output


def test_add_http_server_with_headers_masks_secrets() -> None:
    out = invoke(
        "add",
        "web",
        "--url",
        "http://127.0.0.1:9/mcp",
        "--header",
        "Authorization=Bearer s3cret",
        "--header",
        "X-Team=blue",
        "--isolation",
        "per_task",
        "--no-connect",
        "--json",
    )
    assert out.exit_code == 0, out.output
    assert "s3cret" not in out.output
    saved = json.loads(out.output)["saved"]
    assert saved["headers"] == {"Authorization": "********", "X-Team": "blue"}
    assert saved["isolation"] == "per_task" and saved["transport"] == "http"
    stored = open_store().mcp.get("web")
    assert stored.headers["Authorization"] == "Bearer s3cret"  # usable when connecting


def test_connect_disconnect_and_remove(demo_script: Path) -> None:
    invoke("add", "demo", "--no-connect", "--", sys.executable, str(demo_script))
    assert invoke("tools").output.startswith("no cached MCP tools")
    out = invoke("connect", "demo")
    assert out.exit_code == 0 and out.output.strip() == "demo: connected, 5 tools"
    assert "disabled" in invoke("disconnect", "demo").output
    assert json.loads(invoke("list", "--json").output)[0]["status"]["state"] == "disabled"
    assert json.loads(invoke("tools", "--json").output)["tools"] == []
    assert invoke("remove", "demo").output.strip() == "removed demo"
    assert isinstance(invoke("remove", "demo").exception, NotFoundError)


def test_connect_failure_is_one_clear_line() -> None:
    invoke("add", "ghost", "--no-connect", "--", "no-such-mcp-binary")
    out = invoke("connect", "ghost")
    assert out.exit_code != 0
    assert str(out.exception) == "command not found: no-such-mcp-binary"
    listed = json.loads(invoke("list", "--json").output)
    assert listed[0]["status"]["last_error"] == "command not found: no-such-mcp-binary"


@pytest.mark.parametrize(
    "args",
    [
        ["add", "bad name", "--", "x"],
        ["add", "x"],
        ["add", "x", "--url", "ftp://nope"],
        ["add", "x", "--url", "http://a", "--header", "novalue"],
        ["add", "x", "--isolation", "sometimes", "--", "cmd"],
    ],
)
def test_bad_add_arguments_are_usage_errors(args: list[str]) -> None:
    out = invoke(*args)
    assert out.exit_code != 0 and isinstance(out.exception, UsageError)


def test_import_claude_desktop_file_with_stdio_and_http_servers(tmp_path: Path) -> None:
    path = tmp_path / "claude_desktop_config.json"
    path.write_text(json.dumps(CLAUDE_DESKTOP))
    out = invoke("import", str(path))
    assert out.exit_code == 0, out.output
    assert "added filesystem (stdio: npx)" in out.output
    assert "added Linear-Cloud (sse: https://mcp.linear.app/sse)" in out.output
    assert "4 server(s) imported" in out.output
    store = open_store().mcp
    github = store.get("github")
    assert github.transport == "stdio" and github.args[-1] == "ghcr.io/github/github-mcp-server"
    assert github.env == {"GITHUB_PERSONAL_ACCESS_TOKEN": "ghp_secret"}
    remote = store.get("remote")
    assert remote.transport == "http" and remote.headers == {"Authorization": "Bearer tok_live"}
    listed = invoke("list", "--json").output
    assert "ghp_secret" not in listed and "tok_live" not in listed
    again = invoke("import", str(path))
    assert "updated filesystem" in again.output


def test_import_vscode_and_bad_files(tmp_path: Path) -> None:
    vscode = {
        "servers": {
            "mem": {"type": "stdio", "command": "uvx", "args": ["mcp-memory"]},
            "api": {"type": "http", "url": "http://localhost:3000/mcp"},
        },
        "inputs": [],
    }
    configs = parse_mcp_servers(vscode)
    assert [(c.name, c.transport) for c in configs] == [("mem", "stdio"), ("api", "http")]
    settings = parse_mcp_servers({"mcp": {"servers": {"x": {"command": "y", "disabled": True}}}})
    assert settings[0].enabled is False
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    out = invoke("import", str(bad))
    assert isinstance(out.exception, UsageError) and "not valid JSON" in str(out.exception)
    for doc, message in [
        ({"mcpServers": {"a": {"args": []}}}, "neither a command nor a url"),
        ({"other": 1}, "no 'mcpServers'"),
        ({"mcpServers": {"a": {"url": "file:///x"}}}, r"http\(s\) url"),
    ]:
        with pytest.raises(UsageError, match=message):
            parse_mcp_servers(doc)
    missing = invoke("import", str(tmp_path / "nope.json"))
    assert isinstance(missing.exception, UsageError)
