"""``/api/mcp``: configured MCP servers (secrets masked), their connections, statuses and tools."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, delete, get, post
from litestar.params import FromPath, JSONBody

from aura_cli.server.deps import EngineDep
from aura_cli.server.errors import ERRORS
from aura_core.engine import Engine
from aura_core.errors import NotFoundError, UsageError
from aura_core.mcp.importer import safe_name
from aura_core.mcp.manager import ServerStatus
from aura_core.mcp.tools import tool_name
from aura_core.store.mcp import MASK, Isolation, McpServerConfig, Transport

__all__ = ["McpController"]

Text = Annotated[str, msgspec.Meta(max_length=4096)]


class McpServerIn(msgspec.Struct, kw_only=True):
    """An MCP server configuration to create or replace (by ``name``).

    Secret values sent back as ``********`` (as listed) keep the stored value.
    """

    name: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    transport: Transport = "stdio"
    command: Text = ""
    args: list[Text] = []
    env: dict[str, Text] = {}
    cwd: Text | None = None
    url: Text = ""
    headers: dict[str, Text] = {}
    oauth: dict[str, Text] = {}
    isolation: Isolation = "shared"
    enabled: bool = True
    call_timeout: Annotated[float, msgspec.Meta(gt=0, le=3600)] = 300.0


def _kept(new: dict[str, str], old: dict[str, str]) -> dict[str, str]:
    """``new`` with masked values replaced by the stored secret they stand for."""
    return {k: old.get(k, "") if v == MASK else v for k, v in new.items()}


def _config(data: McpServerIn, old: McpServerConfig | None) -> McpServerConfig:
    name = safe_name(data.name)
    if data.transport == "stdio" and not data.command.strip():
        raise UsageError(f"MCP server '{name}': a stdio server needs a command")
    if data.transport != "stdio" and not data.url.startswith(("http://", "https://")):
        raise UsageError(f"MCP server '{name}': an {data.transport} server needs an http(s) url")
    return McpServerConfig(
        name=name,
        transport=data.transport,
        command=data.command.strip(),
        args=list(data.args),
        env=_kept(data.env, old.env if old else {}),
        cwd=data.cwd or None,
        url=data.url,
        headers=_kept(data.headers, old.headers if old else {}),
        oauth=_kept(data.oauth, old.oauth if old else {}),
        isolation=data.isolation,
        enabled=data.enabled,
        call_timeout=data.call_timeout,
    )


def _status_view(status: ServerStatus) -> dict[str, object]:
    out = status.to_dict()
    out["error"] = status.last_error  # the reference's name for it
    return out


def _server_view(engine: Engine, config: McpServerConfig) -> dict[str, object]:
    return {**config.public_dict(), "status": _status_view(engine.mcp.status(config.name)[0])}


def _existing(engine: Engine, name: str) -> McpServerConfig:
    config = engine.store.mcp.get(name)
    if config is None:
        raise NotFoundError(f"no MCP server named '{name}'")
    return config


class McpController(Controller):
    """MCP server configurations and connections."""

    path = "/api/mcp"
    tags = ["mcp"]

    @get("/servers", responses=ERRORS, summary="Configured MCP servers (secrets masked)")
    async def list_servers(self, engine: EngineDep) -> dict[str, object]:
        """Every configured server with its status; secret env values and headers show ``********``."""
        return {"servers": [_server_view(engine, c) for c in engine.store.mcp.list()]}

    @post("/servers", responses=ERRORS, status_code=200, summary="Save an MCP server")
    async def save(self, engine: EngineDep, data: JSONBody[McpServerIn]) -> dict[str, object]:
        """Create or replace a server by name; its open sessions close so the next use sees the change.

        Raises:
            UsageError: a stdio server without a command or an HTTP server without a URL.
        """
        old = engine.store.mcp.get(safe_name(data.name))
        config = _config(data, old)
        if old is not None:
            config.last_error, config.connected_at = old.last_error, old.connected_at
            await engine.mcp.disconnect(config.name, disable=False)
        engine.store.mcp.save(config)
        return _server_view(engine, config)

    @delete(
        "/servers/{name:str}", responses=ERRORS, status_code=200, summary="Delete an MCP server"
    )
    async def delete_server(self, engine: EngineDep, name: FromPath[str]) -> dict[str, object]:
        """Close the server's sessions, then forget it and its cached tools."""
        _existing(engine, name)
        await engine.mcp.disconnect(name, disable=False)
        engine.store.mcp.delete(name)
        return {"deleted": name}

    @post(
        "/servers/{name:str}/connect",
        responses=ERRORS,
        status_code=200,
        summary="Connect to an MCP server",
    )
    async def connect(self, engine: EngineDep, name: FromPath[str]) -> dict[str, object]:
        """Connect now, refresh the server's tool list and enable it.

        Raises:
            McpUnavailable: the server could not be started or reached (code ``MCP_UNAVAILABLE``).
        """
        _existing(engine, name)
        return _status_view(await engine.mcp.connect(name))

    @post(
        "/servers/{name:str}/disconnect",
        responses=ERRORS,
        status_code=200,
        summary="Disconnect from an MCP server",
    )
    async def disconnect(self, engine: EngineDep, name: FromPath[str]) -> dict[str, object]:
        """Close the server's sessions and disable it, so agents stop getting its tools."""
        _existing(engine, name)
        await engine.mcp.disconnect(name)
        return _status_view(engine.mcp.status(name)[0])

    @get("/statuses", responses=ERRORS, summary="Connection status of every MCP server")
    async def statuses(self, engine: EngineDep) -> dict[str, object]:
        """``{"statuses": {name: {connected, tool_count, error, ...}}}``."""
        return {"statuses": {s.name: _status_view(s) for s in engine.mcp.status()}}

    @get("/tools", responses=ERRORS, summary="Tools of the enabled MCP servers")
    async def tools(self, engine: EngineDep) -> dict[str, object]:
        """Cached tool definitions (no server is contacted), named as agents see them."""
        return {
            "tools": [
                {
                    "name": tool_name(t.server, t.name),
                    "server": t.server,
                    "tool": t.name,
                    "description": t.description,
                    "input_schema": t.input_schema,
                }
                for t in engine.mcp.tool_defs()
            ]
        }
