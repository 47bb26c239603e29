"""The published @modelcontextprotocol servers from npm, driven by Aura's agents."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from test_manager import ORPHAN_DRIVER, call, engine_with, results, run
from tests.mcp.conftest import children_of, live_group_members, wait_gone

from aura_core.mcp.manager import McpManager
from aura_core.providers.scripted import Turn
from aura_core.store.mcp import McpServerConfig, McpStore


async def test_filesystem_server_lists_tools_and_an_agent_reads_a_file(
    manager: McpManager, mcp_store: McpStore, npm_bin: Path, project: Path
) -> None:
    mcp_store.save(
        McpServerConfig("fs", command=str(npm_bin / "mcp-server-filesystem"), args=[str(project)])
    )
    status = await manager.connect("fs")
    assert status.tool_count >= 10
    names = {t.name for t in manager.tools()}
    assert {"mcp_fs_read_text_file", "mcp_fs_list_directory", "mcp_fs_write_file"} <= names
    engine = engine_with(
        manager,
        [
            call("mcp_fs_read_text_file", path=str(project / "README.md")),
            call("mcp_fs_read_text_file", path="/etc/passwd"),
            Turn(text="read it"),
        ],
    )
    events = await run(engine, project)
    readme, outside = results(events)
    assert not readme["is_error"] and "A demo project." in str(readme["content"])
    assert outside["is_error"] and "denied" in str(outside["content"]).lower()
    assert events[-1].data["status"] == "completed"
    await engine.shutdown()


async def test_everything_server_results_map_text_images_and_errors(
    manager: McpManager, mcp_store: McpStore, npm_bin: Path, project: Path
) -> None:
    mcp_store.save(McpServerConfig("everything", command=str(npm_bin / "mcp-server-everything")))
    await manager.connect("everything")
    names = {t.name for t in manager.tools()}
    assert {
        "mcp_everything_echo",
        "mcp_everything_get_sum",
        "mcp_everything_get_tiny_image",
    } <= names
    engine = engine_with(
        manager,
        [
            call("mcp_everything_echo", message="hello mcp"),
            call("mcp_everything_get_tiny_image"),
            call("mcp_everything_get_sum", a=2, b=3),
            Turn(text="done"),
        ],
    )
    events = await run(engine, project)
    echo, image, total = results(events)
    assert "hello mcp" in str(echo["content"])
    assert "[image omitted: image/png," in str(image["content"])
    assert "base64" not in str(image["content"]) and len(str(image["content"])) < 500
    assert "5" in str(total["content"])
    await engine.shutdown()


def test_sigkill_leaves_no_npx_process_tree_behind(
    mcp_store: McpStore, npm_bin: Path, tmp_path: Path, cli_env: dict[str, str]
) -> None:
    prefix = npm_bin.parent.parent
    mcp_store.save(
        McpServerConfig(
            "everything", command="npx", args=["--prefix", str(prefix), "mcp-server-everything"]
        )
    )
    driver = tmp_path / "driver.py"
    driver.write_text(ORPHAN_DRIVER)
    proc = subprocess.Popen(
        [sys.executable, str(driver), "everything"], stdout=subprocess.PIPE, text=True, env=cli_env
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "READY"
    [watchdog] = children_of(proc.pid)
    group = os.getpgid(watchdog)
    members = live_group_members(group)
    assert len(members) >= 3  # watchdog, npm exec, node (and a shell)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert all(wait_gone(pid) for pid in members)
    assert live_group_members(group) == []
