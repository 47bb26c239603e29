"""Aura as an MCP server: run tasks, list them, read their messages, search past messages."""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from aura_core.errors import AuraError, NotFoundError, UsageError
from aura_core.store.tasks import TASK_STATUSES

if TYPE_CHECKING:
    from mcp.server.mcpserver import MCPServer

    from aura_core.engine import Engine

__all__ = ["ASGIApp", "build_server", "http_app", "serve_stdio"]

Scope = MutableMapping[str, object]
Receive = Callable[[], Awaitable[MutableMapping[str, object]]]
Send = Callable[[MutableMapping[str, object]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
_MESSAGE_CAP = 20_000


def build_server(
    engine: Engine, *, model: str | None = None, project: Path | None = None
) -> MCPServer:
    """An MCP server whose tools drive ``engine``.

    Args:
        engine: runs the tasks and holds the store.
        model: the model ``run_task`` uses when the caller names none.
        project: the project directory tasks run in when the caller names none.
    """
    from mcp.server.mcpserver import MCPServer
    from mcp.server.mcpserver.exceptions import ToolError

    server = MCPServer(
        "aura",
        instructions="Run Aura agent tasks and read their results and transcripts.",
        log_level="WARNING",
    )
    default_model, default_project = model, project

    @server.tool()
    async def run_task(
        message: str,
        model: str | None = None,
        project: str | None = None,
        mode: Literal["agent", "chat", "plan"] = "agent",
        max_steps: int | None = None,
    ) -> dict[str, object]:
        """Run an Aura agent task to completion and return its final answer and task id.

        Args:
            message: What the agent should do.
            model: provider:model to use (Aura's configured model when omitted).
            project: Directory the agent works in (the server's default when omitted).
            mode: agent (tools), chat (no tools) or plan (plan first, then act).
            max_steps: Most model calls the task may make.
        """
        try:
            handle = await engine.start_task(
                message,
                model=model or default_model,
                project=project or default_project,
                mode=mode,
                max_steps=max_steps,
            )
            outcome = await handle.wait()
        except AuraError as exc:
            raise ToolError(exc.message) from None
        return {
            "task_id": handle.task_id,
            "status": outcome.status,
            "answer": outcome.result,
            "error": outcome.error,
        }

    @server.tool()
    def list_tasks(limit: int = 20, status: str | None = None) -> list[dict[str, object]]:
        """List Aura tasks, newest first.

        Args:
            limit: How many tasks to return (1-200).
            status: Only tasks with this status (pending, executing, completed, failed,
                interrupted).
        """
        if status is not None and status not in TASK_STATUSES:
            raise ToolError(f"unknown status {status!r} (one of: {', '.join(TASK_STATUSES)})")
        rows = engine.store.tasks.list(status=status, limit=max(1, min(limit, 200)))  # type: ignore[arg-type]
        return [
            {
                "task_id": r.id,
                "title": r.title,
                "status": r.status,
                "model": r.model,
                "created_at": r.created_at,
                "error": r.error,
            }
            for r in rows
        ]

    @server.tool()
    def get_task_messages(task_id: str) -> list[dict[str, object]]:
        """Read a task's transcript: user, assistant and tool messages in order.

        Args:
            task_id: The task id (or a unique prefix of at least 4 characters).
        """
        record = engine.store.tasks.get(task_id)
        if record is None:
            raise ToolError(str(NotFoundError(f"task not found: {task_id}")))
        out: list[dict[str, object]] = []
        for m in engine.store.tasks.messages(record.id):
            item: dict[str, object] = {"role": m.role, "content": _cap(m.content)}
            if m.tool_calls:
                item["tool_calls"] = [c.to_dict() for c in m.tool_calls]
            if m.role == "tool":
                item.update(name=m.name, tool_call_id=m.tool_call_id, is_error=m.is_error)
            out.append(item)
        return out

    @server.tool()
    def search_memory(query: str, limit: int = 20) -> list[dict[str, object]]:
        """Search past task messages for text (case-insensitive substring match).

        Args:
            query: The text to look for.
            limit: How many matches to return (1-200).
        """
        if not query.strip():
            raise ToolError("the query is empty")
        hits = engine.store.mcp.search_task_messages(query, max(1, min(limit, 200)))
        return [
            {
                "task_id": h.task_id,
                "index": h.idx,
                "role": h.role,
                "content": _snippet(h.content, query),
            }
            for h in hits
        ]

    return server


def _cap(text: str) -> str:
    if len(text) <= _MESSAGE_CAP:
        return text
    return text[:_MESSAGE_CAP] + f"\n[truncated: {len(text):,} characters in all]"


def _snippet(text: str, query: str, width: int = 300) -> str:
    at = text.lower().find(query.lower())
    start = max(0, at - width // 2) if at >= 0 else 0
    piece = text[start : start + width]
    return ("…" if start else "") + piece + ("…" if start + width < len(text) else "")


async def serve_stdio(server: MCPServer) -> None:
    """Serve on stdin/stdout until the client closes the connection."""
    await server.run_stdio_async()


def http_app(server: MCPServer, *, host: str = "127.0.0.1", token: str | None = None) -> ASGIApp:
    """The streamable HTTP app (path ``/mcp``), behind a bearer token when one is given.

    Args:
        server: from :func:`build_server`.
        host: the address it will listen on; a non-loopback address requires a token.
        token: clients must send ``Authorization: Bearer TOKEN``.

    Raises:
        UsageError: a non-loopback host without a token.
    """
    from mcp.server.transport_security import TransportSecuritySettings

    loopback = host in ("127.0.0.1", "localhost", "::1")
    if not loopback and not token:
        raise UsageError(f"refusing to serve MCP on {host} without a token (pass --token)")
    security = (
        None if loopback else TransportSecuritySettings(enable_dns_rebinding_protection=False)
    )
    inner = server.streamable_http_app(host=host, transport_security=security)
    if not token:
        return inner  # type: ignore[return-value]
    expected = f"Bearer {token}".encode()

    async def guarded(scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") == "http":
            headers = dict(scope.get("headers") or [])  # type: ignore[arg-type]
            if not hmac.compare_digest(headers.get(b"authorization", b""), expected):
                await send(
                    {
                        "type": "http.response.start",
                        "status": 401,
                        "headers": [
                            (b"content-type", b"application/json"),
                            (b"www-authenticate", b"Bearer"),
                        ],
                    }
                )
                await send(
                    {
                        "type": "http.response.body",
                        "body": b'{"error": "missing or wrong bearer token", "code": "UNAUTHORIZED"}',
                    }
                )
                return
        await inner(scope, receive, send)  # type: ignore[arg-type]

    return guarded
