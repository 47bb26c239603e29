"""MCP server configurations, their cached tool definitions and last known status."""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from typing import Literal, Protocol

from sqlite_utils import Database

from aura_core.store.task_rows import INDEX_BITS, INDEX_MASK

__all__ = [
    "MASK",
    "Cipher",
    "Isolation",
    "McpServerConfig",
    "McpStore",
    "McpToolDef",
    "MessageHit",
    "Transport",
    "is_secret_key",
]

Transport = Literal["stdio", "http", "sse"]
Isolation = Literal["shared", "per_task"]

#: What list output shows instead of a secret value.
MASK = "********"
_SECRET_WORDS = ("token", "key", "secret", "authorization", "password")
_SEALED = "enc:"


def is_secret_key(key: str) -> bool:
    """Whether an env variable or header name looks like it holds a secret."""
    lowered = key.lower()
    return any(word in lowered for word in _SECRET_WORDS)


class Cipher(Protocol):
    """Encrypts secret values at rest (the credential store provides one)."""

    def encrypt(self, plaintext: str) -> str:
        """Return an opaque, printable ciphertext."""
        ...

    def decrypt(self, ciphertext: str) -> str:
        """Return the plaintext of :meth:`encrypt` output."""
        ...


@dataclass(slots=True)
class McpServerConfig:
    """One configured MCP server.

    Attributes:
        name: the server's id; tools appear as ``mcp_{name}_{tool}``.
        transport: ``stdio`` (a local process), ``http`` (streamable HTTP, falling back to the
            legacy SSE transport) or ``sse`` (legacy SSE only).
        command / args / env / cwd: how to start a stdio server.
        url / headers: where an HTTP server is and what headers to send.
        oauth: OAuth client credentials (``client_id``, ``client_secret``, optional ``scope``).
        isolation: ``shared`` (one connection for every task) or ``per_task`` (a fresh
            connection, and for stdio a fresh process, per task).
        enabled: whether agents get this server's tools.
        call_timeout: seconds one tool call may take.
    """

    name: str
    transport: Transport = "stdio"
    command: str = ""
    args: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    cwd: str | None = None
    url: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    oauth: dict[str, str] = field(default_factory=dict)
    isolation: Isolation = "shared"
    enabled: bool = True
    call_timeout: float = 300.0
    last_error: str | None = None
    connected_at: float | None = None

    def secret_values(self) -> list[str]:
        """Every secret value in this config (for scrubbing them out of messages)."""
        values = [v for k, v in (*self.env.items(), *self.headers.items()) if is_secret_key(k)]
        if self.oauth.get("client_secret"):
            values.append(self.oauth["client_secret"])
        return [v for v in values if v]

    def public_dict(self) -> dict[str, object]:
        """JSON-ready form with secret values replaced by ``********``."""

        def masked(items: dict[str, str]) -> dict[str, str]:
            return {k: MASK if is_secret_key(k) and v else v for k, v in items.items()}

        oauth = dict(self.oauth)
        if oauth.get("client_secret"):
            oauth["client_secret"] = MASK
        return {
            "name": self.name,
            "transport": self.transport,
            "command": self.command,
            "args": list(self.args),
            "env": masked(self.env),
            "cwd": self.cwd,
            "url": self.url,
            "headers": masked(self.headers),
            "oauth": oauth,
            "isolation": self.isolation,
            "enabled": self.enabled,
            "call_timeout": self.call_timeout,
            "last_error": self.last_error,
            "connected_at": self.connected_at,
        }


@dataclass(slots=True)
class McpToolDef:
    """A tool as an MCP server described it (cached so listing needs no connection)."""

    server: str
    name: str
    description: str
    input_schema: dict[str, object]


@dataclass(slots=True)
class MessageHit:
    """A transcript message matching a search."""

    task_id: str
    idx: int
    role: str
    content: str
    created_at: float


_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


class McpStore:
    """Reads and writes ``mcp_servers`` and ``mcp_tools``.

    Args:
        db: the database.
        cipher: encrypts secret env values, headers and OAuth secrets at rest; without one
            they are stored as given (and still never printed by list output).
    """

    def __init__(self, db: Database, cipher: Cipher | None = None) -> None:
        self.db = db
        self.cipher = cipher

    # -- secrets -----------------------------------------------------------------------
    def _seal(self, items: dict[str, str], force: bool = False) -> str:
        out = {}
        for key, value in items.items():
            secret = force or is_secret_key(key)
            out[key] = _SEALED + self.cipher.encrypt(value) if secret and self.cipher else value
        return json.dumps(out)

    def _open(self, raw: str | None) -> dict[str, str]:
        items: dict[str, str] = json.loads(raw) if raw else {}
        if self.cipher is None:
            return items
        return {
            k: self.cipher.decrypt(v[len(_SEALED) :]) if v.startswith(_SEALED) else v
            for k, v in items.items()
        }

    # -- servers -----------------------------------------------------------------------
    @staticmethod
    def valid_name(name: str) -> bool:
        """Whether ``name`` is a usable server id (letters, digits, ``_ . -``; max 64)."""
        return bool(_NAME.match(name))

    def _row_to_config(self, row: dict[str, object]) -> McpServerConfig:
        oauth = self._open(row["oauth"])  # type: ignore[arg-type]
        return McpServerConfig(
            name=str(row["name"]),
            transport=row["transport"],  # type: ignore[arg-type]
            command=str(row["command"] or ""),
            args=json.loads(str(row["args"] or "[]")),
            env=self._open(row["env"]),
            cwd=row["cwd"],  # type: ignore[arg-type]
            url=str(row["url"] or ""),
            headers=self._open(row["headers"]),  # type: ignore[arg-type]
            oauth=oauth,
            isolation=row["isolation"],  # type: ignore[arg-type]
            enabled=bool(row["enabled"]),
            call_timeout=float(row["call_timeout"] or 300.0),  # type: ignore[arg-type]
            last_error=row["last_error"],
            connected_at=row["connected_at"],  # type: ignore[arg-type]
        )

    def list(self) -> list[McpServerConfig]:
        """Every configured server, by name."""
        rows = self.db.query("SELECT * FROM mcp_servers ORDER BY name")
        return [self._row_to_config(r) for r in rows]

    def get(self, name: str) -> McpServerConfig | None:
        """One server's config, or None."""
        rows = list(self.db.query("SELECT * FROM mcp_servers WHERE name = ?", [name]))
        return self._row_to_config(rows[0]) if rows else None

    def save(self, config: McpServerConfig) -> McpServerConfig:
        """Create or replace a server's config (its cached tools are kept)."""
        now = time.time()
        existing = self.db.execute(
            "SELECT created_at FROM mcp_servers WHERE name = ?", [config.name]
        ).fetchone()
        row = {
            "name": config.name,
            "transport": config.transport,
            "command": config.command,
            "args": json.dumps(list(config.args)),
            "env": self._seal(config.env),
            "cwd": config.cwd,
            "url": config.url,
            "headers": self._seal(config.headers),
            "oauth": json.dumps({}) if not config.oauth else self._seal_oauth(config.oauth),
            "isolation": config.isolation,
            "enabled": int(config.enabled),
            "call_timeout": config.call_timeout,
            "last_error": config.last_error,
            "connected_at": config.connected_at,
            "created_at": existing[0] if existing else now,
            "updated_at": now,
        }
        with self.db.conn:
            self.db["mcp_servers"].upsert(row, pk="name")
        return config

    def _seal_oauth(self, oauth: dict[str, str]) -> str:
        plain = {k: v for k, v in oauth.items() if k != "client_secret"}
        data = json.loads(self._seal(plain))
        if "client_secret" in oauth:
            data.update(json.loads(self._seal({"client_secret": oauth["client_secret"]}, True)))
        return json.dumps(data)

    def delete(self, name: str) -> bool:
        """Remove a server and its cached tools; False when there was no such server."""
        with self.db.conn:
            self.db.execute("DELETE FROM mcp_tools WHERE server = ?", [name])
            cur = self.db.execute("DELETE FROM mcp_servers WHERE name = ?", [name])
        return cur.rowcount > 0

    def set_enabled(self, name: str, enabled: bool) -> None:
        """Enable or disable a server."""
        with self.db.conn:
            self.db.execute(
                "UPDATE mcp_servers SET enabled = ?, updated_at = ? WHERE name = ?",
                [int(enabled), time.time(), name],
            )

    def record_status(self, name: str, *, error: str | None) -> None:
        """Remember the outcome of the last connection attempt."""
        with self.db.conn:
            if error is None:
                self.db.execute(
                    "UPDATE mcp_servers SET last_error = NULL, connected_at = ? WHERE name = ?",
                    [time.time(), name],
                )
            else:
                self.db.execute(
                    "UPDATE mcp_servers SET last_error = ? WHERE name = ?", [error, name]
                )

    # -- cached tools ------------------------------------------------------------------
    def tools(self, server: str | None = None) -> list[McpToolDef]:
        """Cached tool definitions, of one server or of all."""
        sql = "SELECT server, name, description, input_schema FROM mcp_tools"
        params: list[object] = []
        if server is not None:
            sql += " WHERE server = ?"
            params.append(server)
        rows = self.db.execute(sql + " ORDER BY server, name", params).fetchall()
        return [McpToolDef(s, n, d or "", json.loads(i or "{}")) for s, n, d, i in rows]

    def cache_tools(self, server: str, tools: list[McpToolDef]) -> None:
        """Replace a server's cached tool definitions."""
        now = time.time()
        with self.db.conn:
            self.db.execute("DELETE FROM mcp_tools WHERE server = ?", [server])
            for t in tools:
                self.db["mcp_tools"].insert(
                    {
                        "server": server,
                        "name": t.name,
                        "description": t.description,
                        "input_schema": json.dumps(t.input_schema),
                        "updated_at": now,
                    }
                )

    # -- transcript search (for `aura mcp serve`'s search_memory) ----------------------
    def search_task_messages(self, query: str, limit: int = 20) -> list[MessageHit]:
        """Transcript messages containing ``query`` (case-insensitive for ASCII), newest first."""
        escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = self.db.execute(
            f"SELECT k.task_id, m.id & {INDEX_MASK}, m.role, m.content, m.created_at "
            f"FROM task_messages m JOIN task_keys k ON k.num = m.id >> {INDEX_BITS} "
            "WHERE m.content LIKE ? ESCAPE '\\' "
            "ORDER BY m.created_at DESC, m.id DESC LIMIT ?",
            [f"%{escaped}%", limit],
        ).fetchall()
        return [
            MessageHit(str(t), int(i), str(r), str(c or ""), float(ts or 0))
            for t, i, r, c, ts in rows
        ]
