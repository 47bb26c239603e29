"""Secret-looking MCP env values and headers are sealed with the master key in the database."""

from __future__ import annotations

from aura_core import paths
from aura_core.store import open_store
from aura_core.store.mcp import McpServerConfig


def test_mcp_secrets_are_encrypted_at_rest_and_usable() -> None:
    store = open_store()
    store.mcp.save(McpServerConfig(
        name="gh", command="gh-mcp", env={"GITHUB_TOKEN": "ghp_supersecretvalue123", "MODE": "x"},
    ))
    store.mcp.save(McpServerConfig(
        name="web", transport="http", url="http://127.0.0.1:1/mcp",
        headers={"Authorization": "Bearer hdr-secret-456"},
    ))
    store.close()
    data = b"".join(p.read_bytes() for p in paths.data_dir().glob("aura-workshop.db*"))
    assert b"ghp_supersecretvalue123" not in data and b"hdr-secret-456" not in data
    assert b"MODE" in data  # non-secret values stay readable

    again = open_store()
    assert again.mcp.get("gh").env["GITHUB_TOKEN"] == "ghp_supersecretvalue123"  # type: ignore[union-attr]
    assert again.mcp.get("web").headers["Authorization"] == "Bearer hdr-secret-456"  # type: ignore[union-attr]
