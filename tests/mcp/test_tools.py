"""Naming MCP tools for agents and mapping MCP results to what the model reads."""

from __future__ import annotations

import base64

import mcp_types as t

from aura_core.mcp.tools import RESULT_LIMIT, make_tool, map_result, tool_name
from aura_core.store.mcp import McpToolDef
from aura_core.tools.registry import ToolContext, ToolResult


def test_tool_names_are_prefixed_and_sanitised() -> None:
    assert tool_name("fs", "read_file") == "mcp_fs_read_file"
    assert tool_name("my-server.v2", "get-tiny image!") == "mcp_my_server_v2_get_tiny_image_"
    long = tool_name("s" * 40, "t" * 40)
    assert len(long) == 64 and long.startswith("mcp_sss")
    assert long != tool_name("s" * 40, "t" * 39 + "u")  # still unique


def test_text_parts_are_joined() -> None:
    result = t.CallToolResult(
        content=[t.TextContent(type="text", text="one"), t.TextContent(type="text", text="two")]
    )
    assert map_result(result) == ToolResult("one\ntwo", False)


def test_images_become_a_short_notice_with_type_and_size() -> None:
    data = base64.b64encode(b"\x89PNG" + b"\0" * 4096).decode()
    result = t.CallToolResult(
        content=[t.ImageContent(type="image", data=data, mime_type="image/png")]
    )
    assert map_result(result).content == "[image omitted: image/png, 4.0 KB]"


def test_embedded_resources_are_inlined_or_noted() -> None:
    text = t.EmbeddedResource(
        type="resource",
        resource=t.TextResourceContents(
            uri="file:///notes.md", mime_type="text/markdown", text="# Notes"
        ),
    )
    blob = t.EmbeddedResource(
        type="resource",
        resource=t.BlobResourceContents(
            uri="file:///a.gz",
            mime_type="application/gzip",
            blob=base64.b64encode(b"z" * 10).decode(),
        ),
    )
    link = t.ResourceLink(type="resource_link", uri="file:///b.txt", name="b.txt")
    out = map_result(t.CallToolResult(content=[text, blob, link])).content
    assert out == (
        "[resource file:///notes.md (text/markdown)]\n# Notes\n"
        "[binary resource omitted: file:///a.gz, application/gzip, 10 bytes]\n"
        "[resource link: file:///b.txt (b.txt)]"
    )


def test_errors_and_structured_only_results() -> None:
    failed = t.CallToolResult(
        content=[t.TextContent(type="text", text="no such file")], is_error=True
    )
    assert map_result(failed) == ToolResult("no such file", True)
    structured = t.CallToolResult(content=[], structured_content={"temp": 21})
    assert map_result(structured).content == '{"temp": 21}'
    assert map_result(t.CallToolResult(content=[], is_error=True)).is_error


def test_long_results_are_truncated_at_8000_characters_with_a_notice() -> None:
    result = t.CallToolResult(content=[t.TextContent(type="text", text="x" * 20_000)])
    out = map_result(result).content
    assert out.startswith("x" * RESULT_LIMIT) and RESULT_LIMIT == 8000
    assert out.endswith("[truncated: showing 8,000 of 20,000 characters of this MCP tool result]")


async def test_made_tools_pass_the_schema_through_and_forward_calls(tmp_path) -> None:  # type: ignore[no-untyped-def]
    calls = []

    class Caller:
        async def call(self, server, tool, arguments, task_id):  # type: ignore[no-untyped-def]
            calls.append((server, tool, arguments, task_id))
            return ToolResult("ok")

    schema = {
        "type": "object",
        "title": "x",
        "properties": {"path": {"type": "string"}},
        "required": ["path"],
    }
    made = make_tool(McpToolDef("fs", "read_file", "Read a file.", schema), Caller())
    assert made.name == "mcp_fs_read_file" and made.description == "Read a file."
    assert made.parameters == {
        "type": "object",
        "properties": {"path": {"type": "string"}},
        "required": ["path"],
    }
    ctx = ToolContext(root=tmp_path, task_id="task-1")
    assert await made.run({"path": "a.txt"}, ctx) == ToolResult("ok")
    assert calls == [("fs", "read_file", {"path": "a.txt"}, "task-1")]
    bad = await made.run({}, ctx)
    assert bad.is_error and "missing required argument: path" in bad.content
