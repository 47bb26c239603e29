"""MCP tools as Aura tools: ``mcp_{server}_{tool}`` names, schemas and result mapping."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from typing import TYPE_CHECKING, Protocol

from aura_core.store.mcp import McpToolDef
from aura_core.tools.registry import Tool, ToolContext, ToolResult

if TYPE_CHECKING:
    import mcp_types

__all__ = ["RESULT_LIMIT", "McpCaller", "make_tool", "map_result", "tool_name"]

#: Characters of one MCP tool result the model sees; longer results are cut with a notice.
RESULT_LIMIT = 8000
_MAX_NAME = 64  # the longest tool name most provider APIs accept


class McpCaller(Protocol):
    """Runs one MCP tool call (the connection manager)."""

    async def call(
        self, server: str, tool: str, arguments: dict[str, object], task_id: str
    ) -> ToolResult:
        """Call ``tool`` on ``server`` for ``task_id``; failures come back as error results."""
        ...


def tool_name(server: str, tool: str) -> str:
    """The Aura name of an MCP tool: ``mcp_{server}_{tool}``, only ``[a-zA-Z0-9_]``.

    Names longer than 64 characters are cut and end in a short hash, so they stay unique.
    """
    raw = f"mcp_{server}_{tool}"
    name = re.sub(r"[^a-zA-Z0-9_]", "_", raw)
    if len(name) > _MAX_NAME:
        digest = hashlib.sha1(raw.encode()).hexdigest()[:8]
        name = f"{name[: _MAX_NAME - 9]}_{digest}"
    return name


def _size(data: str) -> str:
    try:
        n = len(base64.b64decode(data, validate=False))
    except (ValueError, TypeError):
        n = len(data) * 3 // 4
    return f"{n / 1024:.1f} KB" if n >= 1024 else f"{n} bytes"


def _part(item: object) -> str:
    kind = getattr(item, "type", "")
    if kind == "text":
        return str(getattr(item, "text", ""))
    if kind in ("image", "audio"):
        mime = getattr(item, "mime_type", "") or "unknown type"
        return f"[{kind} omitted: {mime}, {_size(str(getattr(item, 'data', '')))}]"
    if kind == "resource":
        res = getattr(item, "resource", None)
        uri = str(getattr(res, "uri", ""))
        mime = getattr(res, "mime_type", None)
        text = getattr(res, "text", None)
        if text is not None:
            return f"[resource {uri}" + (f" ({mime})" if mime else "") + f"]\n{text}"
        blob = str(getattr(res, "blob", ""))
        return f"[binary resource omitted: {uri}, {mime or 'unknown type'}, {_size(blob)}]"
    if kind == "resource_link":
        label = getattr(item, "title", None) or getattr(item, "name", "")
        return (
            f"[resource link: {getattr(item, 'uri', '')}" + (f" ({label})" if label else "") + "]"
        )
    return f"[{kind or 'unknown'} content omitted]"


def map_result(result: mcp_types.CallToolResult, limit: int = RESULT_LIMIT) -> ToolResult:
    """Turn an MCP ``CallToolResult`` into what the model sees.

    Text passes through; images and audio become a short notice with their type and size;
    embedded text resources are inlined, binary ones noted; structured content is used when
    there is no other content. The text is cut at ``limit`` characters with a notice.
    """
    parts = [_part(item) for item in result.content or []]
    text = "\n".join(p for p in parts if p)
    if not text and result.structured_content is not None:
        text = json.dumps(result.structured_content, ensure_ascii=False)
    if not text:
        text = "(the tool failed without a message)" if result.is_error else "(no output)"
    if len(text) > limit:
        text = (
            text[:limit] + f"\n[truncated: showing {limit:,} of {len(text):,} characters "
            f"of this MCP tool result]"
        )
    return ToolResult(text, is_error=bool(result.is_error))


def make_tool(definition: McpToolDef, caller: McpCaller) -> Tool:
    """An Aura :class:`Tool` that forwards calls to the MCP server through ``caller``."""
    schema = dict(definition.input_schema) or {"type": "object", "properties": {}}
    schema.setdefault("type", "object")
    schema.pop("title", None)
    server, remote = definition.server, definition.name
    description = definition.description.strip() or f"{remote} (MCP server {server})"

    async def run(ctx: ToolContext, **arguments: object) -> ToolResult:
        return await caller.call(server, remote, arguments, ctx.task_id)

    return Tool(tool_name(server, remote), description, schema, run, wants_ctx=True)
