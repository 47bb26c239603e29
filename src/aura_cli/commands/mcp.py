"""``aura mcp``: configure MCP servers, inspect their tools, and serve Aura over MCP."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

__all__ = ["app"]

app = typer.Typer(
    help="Connect MCP servers' tools to agents, or serve Aura to MCP clients.", no_args_is_help=True
)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _store():  # type: ignore[no-untyped-def]
    from aura_core.store import open_store

    return open_store().mcp


def _pairs(items: list[str] | None, what: str) -> dict[str, str]:
    from aura_core.errors import UsageError

    out: dict[str, str] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"{what} must look like KEY=VALUE, got {item!r}")
        out[key.strip()] = value
    return out


def _with_manager(work):  # type: ignore[no-untyped-def]
    """Run ``work(manager)`` in an event loop and always shut the manager down."""
    from aura_core.mcp.manager import McpManager

    async def main():  # type: ignore[no-untyped-def]
        manager = McpManager(_store())
        try:
            return await work(manager)
        finally:
            await manager.shutdown()

    import asyncio

    return asyncio.run(main())


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="Server id; tools appear as mcp_NAME_TOOL.")],
    command: Annotated[
        list[str] | None,
        typer.Argument(
            help="After --: the command that starts a stdio server, with its arguments."
        ),
    ] = None,
    url: Annotated[str | None, typer.Option("--url", help="URL of an HTTP MCP server.")] = None,
    header: Annotated[
        list[str] | None, typer.Option("--header", help="HTTP header K=V (repeatable).")
    ] = None,
    env: Annotated[
        list[str] | None,
        typer.Option(
            "--env", "-e", help="Environment variable K=V for a stdio server (repeatable)."
        ),
    ] = None,
    sse: Annotated[bool, typer.Option("--sse", help="Use the legacy SSE transport only.")] = False,
    isolation: Annotated[
        str, typer.Option("--isolation", help="shared (one connection) or per_task (one per task).")
    ] = "shared",
    connect: Annotated[
        bool, typer.Option("--connect/--no-connect", help="Connect now and cache the tools.")
    ] = True,
    json_out: JsonFlag = False,
) -> None:
    """Add (or replace) an MCP server: `aura mcp add NAME -- COMMAND ARGS…` or `--url URL`."""
    from aura_core.errors import UsageError
    from aura_core.mcp.client import McpUnavailable
    from aura_core.store.mcp import McpServerConfig, McpStore

    if not McpStore.valid_name(name):
        raise UsageError(
            f"invalid server name {name!r}: use letters, digits, '_', '.', '-' (max 64)"
        )
    if isolation not in ("shared", "per_task"):
        raise UsageError(f"--isolation must be shared or per_task, not {isolation!r}")
    if bool(url) == bool(command):
        raise UsageError("give either a command after -- (stdio) or --url (HTTP), not both")
    if url:
        if not url.startswith(("http://", "https://")):
            raise UsageError(f"--url must start with http:// or https://, got {url!r}")
        config = McpServerConfig(
            name,
            "sse" if sse else "http",
            url=url,
            headers=_pairs(header, "--header"),
            isolation=isolation,
        )  # type: ignore[arg-type]
    else:
        assert command
        config = McpServerConfig(
            name,
            "stdio",
            command=command[0],
            args=list(command[1:]),
            env=_pairs(env, "--env"),
            isolation=isolation,
        )  # type: ignore[arg-type]
    store = _store()
    store.save(config)
    result: dict[str, object] = {"saved": config.public_dict()}
    if connect:

        async def work(manager):  # type: ignore[no-untyped-def]
            try:
                return (await manager.connect(name)).to_dict()
            except McpUnavailable as exc:
                return {"state": "error", "last_error": exc.message}

        result["status"] = _with_manager(work)
    if json_out:
        typer.echo(json.dumps(result, indent=2))
        return
    typer.echo(f"saved MCP server {name} ({config.transport})")
    status = result.get("status")
    if isinstance(status, dict):
        if status.get("state") == "error":
            typer.echo(f"warning: could not connect: {status.get('last_error')}", err=True)
        else:
            typer.echo(f"connected: {status.get('tool_count')} tools")


@app.command("list")
def list_servers(json_out: JsonFlag = False) -> None:
    """List MCP servers with their status (secret values are shown as ********)."""
    from aura_core.mcp.manager import McpManager

    store = _store()
    statuses = {s.name: s for s in McpManager(store).status()}
    rows = []
    for cfg in store.list():
        row = cfg.public_dict()
        row["status"] = statuses[cfg.name].to_dict()
        rows.append(row)
    if json_out:
        typer.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        typer.echo("no MCP servers (add one: aura mcp add NAME -- COMMAND ARGS…)")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(box=None, pad_edge=False)
    for col in ("NAME", "STATE", "TOOLS", "ISOLATION", "TARGET"):
        table.add_column(col, no_wrap=col != "TARGET")
    for row in rows:
        status = row["status"]
        target = row["url"] or " ".join([str(row["command"]), *row["args"]])  # type: ignore[list-item]
        state = status["state"] + (f": {status['last_error']}" if status["last_error"] else "")  # type: ignore[index]
        table.add_row(
            str(row["name"]),
            state,
            str(status["tool_count"]),  # type: ignore[index]
            str(row["isolation"]),
            target,
        )
    Console(highlight=False).print(table, markup=False)


@app.command("remove")
def remove(name: str, json_out: JsonFlag = False) -> None:
    """Remove an MCP server and its cached tools."""
    from aura_core.errors import NotFoundError

    if not _store().delete(name):
        raise NotFoundError(f"no MCP server named '{name}'")
    typer.echo(json.dumps({"removed": name}) if json_out else f"removed {name}")


@app.command("connect")
def connect(name: str, json_out: JsonFlag = False) -> None:
    """Enable a server, connect to it and refresh its cached tools."""
    status = _with_manager(lambda m: m.connect(name))
    if json_out:
        typer.echo(json.dumps(status.to_dict(), indent=2))
    else:
        typer.echo(f"{name}: connected, {status.tool_count} tools")


@app.command("disconnect")
def disconnect(name: str, json_out: JsonFlag = False) -> None:
    """Disable a server: agents stop getting its tools until `aura mcp connect`."""
    _with_manager(lambda m: m.disconnect(name))
    typer.echo(json.dumps({"disabled": name}) if json_out else f"{name}: disconnected (disabled)")


@app.command("tools")
def tools(
    name: Annotated[str | None, typer.Argument(help="Only this server's tools.")] = None,
    refresh: Annotated[
        bool, typer.Option("--refresh", help="Ask the server(s) again first.")
    ] = False,
    json_out: JsonFlag = False,
) -> None:
    """List cached MCP tools as agents see them (mcp_SERVER_TOOL)."""
    from aura_core.mcp.manager import McpManager
    from aura_core.mcp.tools import tool_name

    store = _store()
    manager = McpManager(store)
    if name:
        manager.status(name)  # NotFoundError for an unknown server
    if refresh:
        names = [name] if name else [c.name for c in store.list() if c.enabled]

        async def work(m):  # type: ignore[no-untyped-def]
            for n in names:
                await m.refresh(n)

        _with_manager(work)
    defs = [d for d in manager.tool_defs(enabled_only=name is None) if name in (None, d.server)]
    rows = [
        {
            "name": tool_name(d.server, d.name),
            "server": d.server,
            "tool": d.name,
            "description": d.description,
            "input_schema": d.input_schema,
        }
        for d in defs
    ]
    if json_out:
        typer.echo(json.dumps({"tools": rows}, indent=2))
        return
    if not rows:
        typer.echo("no cached MCP tools (connect a server: aura mcp connect NAME)")
        return
    for row in rows:
        first = str(row["description"]).strip().splitlines()[0] if row["description"] else ""
        typer.echo(f"{row['name']}  {first[:100]}")


@app.command("import")
def import_(
    path: Annotated[Path, typer.Argument(help="A JSON file with mcpServers.")],
    json_out: JsonFlag = False,
) -> None:
    """Import servers from a Claude Desktop / Cursor / VS Code style JSON file."""
    from aura_core.mcp.importer import import_file

    saved = import_file(_store(), path)
    if json_out:
        typer.echo(json.dumps([{**c.public_dict(), "replaced": r} for c, r in saved], indent=2))
        return
    for config, replaced in saved:
        target = config.url or config.command
        typer.echo(
            f"{'updated' if replaced else 'added'} {config.name} ({config.transport}: {target})"
        )
    typer.echo(f"{len(saved)} server(s) imported; connect with: aura mcp connect NAME")


@app.command("serve")
def serve(
    http: Annotated[
        bool, typer.Option("--http", help="Serve streamable HTTP instead of stdio.")
    ] = False,
    host: Annotated[str, typer.Option("--host", help="Address for --http.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port for --http.")] = 18801,
    token: Annotated[
        str | None,
        typer.Option(
            "--token", envvar="AURA_MCP_TOKEN", help="Bearer token HTTP clients must send."
        ),
    ] = None,
    model: Annotated[
        str | None,
        typer.Option("--model", "-m", help="Model for run_task when the client names none."),
    ] = None,
    project: Annotated[
        Path | None, typer.Option("--project", "-p", help="Default project directory for tasks.")
    ] = None,
) -> None:
    """Serve Aura as an MCP server (tools: run_task, list_tasks, get_task_messages, search_memory)."""
    from aura_core.engine import Engine
    from aura_core.mcp.serve import build_server, http_app, serve_stdio

    async def main() -> None:
        engine = Engine()
        if model:
            engine.resolve(model)  # a bad model id fails now, not on the first call
        server = build_server(engine, model=model, project=project)
        try:
            if not http:
                await serve_stdio(server)
                return
            import uvicorn

            app_ = http_app(server, host=host, token=token)
            config = uvicorn.Config(app_, host=host, port=port, log_level="warning")
            typer.echo(f"aura: serving MCP on http://{host}:{port}/mcp", err=True)
            await uvicorn.Server(config).serve()
        finally:
            await engine.shutdown()

    import asyncio

    asyncio.run(main())
