"""Read ``mcpServers`` JSON (Claude Desktop, Cursor, VS Code, Claude Code) into server configs."""

from __future__ import annotations

import json
import re
from pathlib import Path

from aura_core.errors import UsageError
from aura_core.store.mcp import McpServerConfig, McpStore

__all__ = ["import_file", "load_mcp_file", "parse_mcp_servers", "safe_name"]

_HTTP_TYPES = {
    "http": "http",
    "streamable-http": "http",
    "streamablehttp": "http",
    "streamable_http": "http",
    "sse": "sse",
}


def safe_name(name: str) -> str:
    """A server id usable in tool names: runs of other characters become ``-``."""
    cleaned = re.sub(r"[^A-Za-z0-9_.-]+", "-", name.strip()).strip("-.")
    return cleaned[:64] or "server"


def _strings(value: object, what: str, name: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise UsageError(f"server '{name}': {what} must be an object of strings")
    return {str(k): str(v) for k, v in value.items()}


def _server(name: str, raw: object) -> McpServerConfig:
    if not isinstance(raw, dict):
        raise UsageError(f"server '{name}' must be a JSON object")
    kind = str(raw.get("type") or raw.get("transport") or "").lower()
    url = raw.get("url") or raw.get("serverUrl")
    isolation = str(raw.get("isolation") or "shared")
    if isolation not in ("shared", "per_task"):
        raise UsageError(f"server '{name}': isolation must be shared or per_task")
    common: dict[str, object] = {
        "name": safe_name(name),
        "isolation": isolation,
        "enabled": not bool(raw.get("disabled", False)) and bool(raw.get("enabled", True)),
    }
    if url or kind in _HTTP_TYPES:
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise UsageError(f"server '{name}': an HTTP server needs an http(s) url")
        oauth = _strings(raw.get("oauth"), "oauth", name)
        return McpServerConfig(
            transport=_HTTP_TYPES.get(kind, "http"),
            url=url,  # type: ignore[arg-type]
            headers=_strings(raw.get("headers"), "headers", name),
            oauth=oauth,
            **common,
        )  # type: ignore[arg-type]
    command = raw.get("command")
    if not isinstance(command, str) or not command.strip():
        raise UsageError(f"server '{name}' has neither a command nor a url")
    args = raw.get("args") or []
    if not isinstance(args, list):
        raise UsageError(f"server '{name}': args must be a list")
    cwd = raw.get("cwd")
    return McpServerConfig(
        transport="stdio",
        command=command,
        args=[str(a) for a in args],
        env=_strings(raw.get("env"), "env", name),
        cwd=str(cwd) if cwd else None,
        **common,
    )  # type: ignore[arg-type]


def parse_mcp_servers(data: object) -> list[McpServerConfig]:
    """Configs from a parsed MCP settings document.

    Accepts ``{"mcpServers": {...}}`` (Claude Desktop, Cursor, Claude Code),
    ``{"servers": {...}}`` (VS Code ``mcp.json``), ``{"mcp": {"servers": {...}}}`` (VS Code
    ``settings.json``) or a bare ``{name: server}`` object. A server with ``command`` is
    stdio; one with ``url`` (or ``type`` http / sse) is HTTP.

    Raises:
        UsageError: the document or one of its servers is malformed.
    """
    if not isinstance(data, dict):
        raise UsageError("an MCP config must be a JSON object with an 'mcpServers' key")
    servers = data.get("mcpServers")
    if servers is None and isinstance(data.get("mcp"), dict):
        servers = data["mcp"].get("servers")
    if servers is None:
        servers = data.get("servers")
    if (
        servers is None
        and data
        and all(isinstance(v, dict) and ("command" in v or "url" in v) for v in data.values())
    ):
        servers = data
    if not isinstance(servers, dict):
        raise UsageError("no 'mcpServers' (or VS Code 'servers') object found in the file")
    configs = [_server(str(name), raw) for name, raw in servers.items()]
    names = [c.name for c in configs]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise UsageError(f"two servers map to the same name: {', '.join(duplicates)}")
    return configs


def load_mcp_file(path: Path) -> list[McpServerConfig]:
    """Read and parse an MCP settings file.

    Raises:
        UsageError: the file is missing, not JSON, or malformed.
    """
    try:
        text = path.expanduser().read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path} is not valid JSON: {exc.msg} at line {exc.lineno}") from exc
    return parse_mcp_servers(data)


def import_file(store: McpStore, path: Path) -> list[tuple[McpServerConfig, bool]]:
    """Save every server of an MCP settings file.

    Returns:
        Each saved config and whether it replaced an existing one of the same name.

    Raises:
        UsageError: the file is missing, not JSON, or malformed (nothing is saved).
    """
    out: list[tuple[McpServerConfig, bool]] = []
    for config in load_mcp_file(path):
        existed = store.get(config.name) is not None
        out.append((store.save(config), existed))
    return out
