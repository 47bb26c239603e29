"""The MCP connection manager: configured servers, live sessions, isolation, backoff, status."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

from aura_core import paths
from aura_core.bus import EventBus
from aura_core.errors import NotFoundError
from aura_core.mcp.client import McpConnection, McpUnavailable, describe_error
from aura_core.mcp.tools import make_tool, map_result
from aura_core.store.mcp import McpServerConfig, McpStore, McpToolDef
from aura_core.tools.registry import Tool, ToolResult

__all__ = ["McpManager", "ServerState", "ServerStatus"]

ServerState = Literal["connected", "ready", "error", "disabled", "not_connected"]
_Key = tuple[str, str | None]  # (server, task id for per_task servers)
BACKOFF_MAX = 60.0


@dataclass(slots=True)
class ServerStatus:
    """What a user needs to know about one server right now.

    Attributes:
        state: ``connected`` (a live session in this process), ``ready`` (the last connection
            worked; ``per_task`` servers start per task), ``error`` (the last attempt failed),
            ``disabled`` or ``not_connected`` (never tried).
        sessions: live sessions (one per running task for ``per_task`` servers).
        retry_in: seconds before an automatic reconnect is tried again, after failures.
    """

    name: str
    transport: str
    isolation: str
    enabled: bool
    state: ServerState
    connected: bool
    tool_count: int
    sessions: int
    last_error: str | None
    retry_in: float | None = None

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return asdict(self)


class McpManager:
    """Connects to configured MCP servers on demand and exposes their tools to agents.

    Args:
        store: where server configs and cached tool definitions live.
        log_dir: where stdio servers' stderr is written (``<data dir>/mcp-logs`` by default).
        clock: monotonic seconds (injectable for backoff tests).
        sleep: waits between reconnect attempts.
    """

    def __init__(
        self,
        store: McpStore,
        *,
        log_dir: Path | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.store = store
        self.log_dir = log_dir or paths.data_dir() / "mcp-logs"
        self._clock = clock
        self._sleep = sleep
        self._conns: dict[_Key, McpConnection] = {}
        self._locks: dict[_Key, asyncio.Lock] = {}
        self._failures: dict[str, tuple[int, float]] = {}
        self._watcher: asyncio.Task[None] | None = None

    # -- configuration and listing (no connection needed) ------------------------------
    def _config(self, name: str) -> McpServerConfig:
        cfg = self.store.get(name)
        if cfg is None:
            known = ", ".join(c.name for c in self.store.list()) or "none configured"
            raise NotFoundError(f"no MCP server named '{name}' (known: {known})")
        return cfg

    def tool_defs(self, *, enabled_only: bool = True) -> list[McpToolDef]:
        """Cached tool definitions, instantly (servers are not contacted)."""
        enabled = {c.name for c in self.store.list() if c.enabled or not enabled_only}
        return [t for t in self.store.tools() if t.server in enabled]

    def tools(self) -> list[Tool]:
        """Aura tools for every cached tool of every enabled server."""
        return [make_tool(d, self) for d in self.tool_defs()]

    def status(self, name: str | None = None) -> list[ServerStatus]:
        """Status of every server (or of one).

        Raises:
            NotFoundError: ``name`` is not configured.
        """
        configs = [self._config(name)] if name else self.store.list()
        counts: dict[str, int] = {}
        for t in self.store.tools():
            counts[t.server] = counts.get(t.server, 0) + 1
        out: list[ServerStatus] = []
        for cfg in configs:
            live = sum(1 for (srv, _), c in self._conns.items() if srv == cfg.name and c.alive)
            if not cfg.enabled:
                state: ServerState = "disabled"
            elif live:
                state = "connected"
            elif cfg.last_error:
                state = "error"
            elif cfg.connected_at:
                state = "ready"
            else:
                state = "not_connected"
            failures = self._failures.get(cfg.name)
            retry = max(0.0, failures[1] - self._clock()) if failures else None
            out.append(
                ServerStatus(
                    cfg.name,
                    cfg.transport,
                    cfg.isolation,
                    cfg.enabled,
                    state,
                    live > 0,
                    counts.get(cfg.name, 0),
                    live,
                    cfg.last_error,
                    round(retry, 1) if retry else None,
                )
            )
        return out

    # -- connecting --------------------------------------------------------------------
    def _log_path(self, name: str) -> Path:
        return self.log_dir / f"{name}.log"

    def _backoff_error(self, name: str) -> McpUnavailable | None:
        failures = self._failures.get(name)
        if failures is None or self._clock() >= failures[1]:
            return None
        cfg = self.store.get(name)
        last = cfg.last_error if cfg and cfg.last_error else "connection failed"
        return McpUnavailable(f"{last} (retrying in {failures[1] - self._clock():.0f} s)")

    def _failed(self, name: str, message: str) -> None:
        count = self._failures.get(name, (0, 0.0))[0] + 1
        self._failures[name] = (count, self._clock() + min(BACKOFF_MAX, 2.0 ** (count - 1)))
        self.store.record_status(name, error=message)

    async def _open(
        self, cfg: McpServerConfig, key: _Key, *, force: bool = False, refresh: bool = False
    ) -> McpConnection:
        conn = self._conns.get(key)
        if conn is not None and conn.alive:
            return conn
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            conn = self._conns.get(key)
            if conn is not None and conn.alive:
                return conn
            if conn is not None:  # it crashed or closed: start a new one
                self._conns.pop(key, None)
                await conn.close()
            waiting = None if force else self._backoff_error(cfg.name)
            if waiting is not None:
                raise waiting
            conn = McpConnection(cfg, log_path=self._log_path(cfg.name))
            try:
                await conn.open()
                if refresh or (key[1] is None and not self.store.tools(cfg.name)):
                    self.store.cache_tools(cfg.name, await conn.list_tools())
            except McpUnavailable as exc:
                await conn.close()
                self._failed(cfg.name, exc.message)
                raise
            except Exception as exc:  # noqa: BLE001 - e.g. tools/list refused
                await conn.close()
                message = describe_error(exc)
                self._failed(cfg.name, message)
                raise McpUnavailable(message) from None
            self._failures.pop(cfg.name, None)
            self.store.record_status(cfg.name, error=None)
            self._conns[key] = conn
            return conn

    async def connect(self, name: str) -> ServerStatus:
        """Connect now (ignoring any backoff), refresh the cached tools, and enable the server.

        A ``per_task`` server is only probed: the probe session closes again, because each
        task starts its own.

        Raises:
            NotFoundError: no such server.
            McpUnavailable: the server could not be reached (the error is also recorded).
        """
        cfg = self._config(name)
        if not cfg.enabled:
            self.store.set_enabled(name, True)
            cfg.enabled = True
        key: _Key = (name, None) if cfg.isolation == "shared" else (name, "__probe__")
        if cfg.isolation == "shared":
            await self._close(key)
        await self._open(cfg, key, force=True, refresh=True)
        if cfg.isolation == "per_task":
            await self._close(key)
        return self.status(name)[0]

    async def reconnect(self, name: str, attempts: int = 3) -> ServerStatus:
        """Drop the server's sessions and connect again, retrying with exponential backoff.

        Raises:
            NotFoundError: no such server.
            McpUnavailable: every attempt failed.
        """
        await self.disconnect(name, disable=False)
        for attempt in range(max(1, attempts)):
            try:
                return await self.connect(name)
            except McpUnavailable:
                if attempt + 1 >= attempts:
                    raise
                await self._sleep(min(BACKOFF_MAX, 2.0**attempt))
        raise AssertionError("unreachable")

    async def disconnect(self, name: str, *, disable: bool = True) -> None:
        """Close every session of a server; with ``disable``, agents stop getting its tools.

        Raises:
            NotFoundError: no such server.
        """
        self._config(name)
        if disable:
            self.store.set_enabled(name, False)
        for key in [k for k in self._conns if k[0] == name]:
            await self._close(key)
        self._failures.pop(name, None)

    async def refresh(self, name: str) -> list[McpToolDef]:
        """Ask the server for its tools again and update the cache.

        Raises:
            NotFoundError: no such server.
            McpUnavailable: the server could not be reached.
        """
        await self.connect(name)
        return self.store.tools(name)

    async def warm(self) -> dict[str, str | None]:
        """Connect every enabled server that has no cached tools yet (e.g. at start-up).

        Returns:
            Each attempted server's error, or None when it connected.
        """
        results: dict[str, str | None] = {}
        for cfg in self.store.list():
            if cfg.enabled and not self.store.tools(cfg.name):
                try:
                    await self.connect(cfg.name)
                    results[cfg.name] = None
                except McpUnavailable as exc:
                    results[cfg.name] = exc.message
        return results

    async def _close(self, key: _Key) -> None:
        conn = self._conns.pop(key, None)
        self._locks.pop(key, None)
        if conn is not None:
            await conn.close()

    # -- calling -----------------------------------------------------------------------
    async def call(
        self, server: str, tool: str, arguments: dict[str, object], task_id: str
    ) -> ToolResult:
        """Run one MCP tool for a task; every failure is an error result the model can read.

        A crashed server gives an error for the call in flight and is restarted on the next.
        """
        cfg = self.store.get(server)
        if cfg is None:
            return ToolResult(f"MCP server '{server}' is no longer configured", True)
        if not cfg.enabled:
            return ToolResult(
                f"MCP server '{server}' is disabled (enable it with: aura mcp connect {server})",
                True,
            )
        key: _Key = (
            (server, task_id or "__none__") if cfg.isolation == "per_task" else (server, None)
        )
        try:
            conn = await self._open(cfg, key)
        except McpUnavailable as exc:
            return ToolResult(f"MCP server '{server}' is unavailable: {exc.message}", True)
        try:
            result = await conn.call_tool(tool, arguments, cfg.call_timeout)
        except McpUnavailable as exc:
            await self._close(key)
            self.store.record_status(server, error=exc.message)
            return ToolResult(
                f"MCP server '{server}' stopped while running {tool}: {exc.message}. The call's "
                "effects are unknown; the server will be restarted on the next call.",
                True,
            )
        except TimeoutError:
            return ToolResult(
                f"MCP tool {tool} on '{server}' timed out after {cfg.call_timeout:g} s", True
            )
        except Exception as exc:  # noqa: BLE001 - protocol errors become tool errors
            return ToolResult(f"MCP server '{server}' refused {tool}: {describe_error(exc)}", True)
        return map_result(result)

    # -- per-task sessions and shutdown ------------------------------------------------
    async def release_task(self, task_id: str) -> int:
        """Close the ``per_task`` sessions of a finished task; return how many were closed."""
        keys = [k for k in self._conns if k[1] == task_id]
        await asyncio.gather(*(self._close(k) for k in keys))
        return len(keys)

    def watch(self, bus: EventBus) -> None:
        """Release a task's ``per_task`` sessions when its ``done`` event is published.

        Must be called with the event loop running; :meth:`shutdown` stops watching.
        """
        if self._watcher is not None:
            return
        queue = bus.subscribe_all()

        async def follow() -> None:
            try:
                while True:
                    _, event = await queue.get()
                    if event.type == "done" and any(k[1] == event.task_id for k in self._conns):
                        await self.release_task(event.task_id)
            finally:
                bus.unsubscribe_all(queue)

        self._watcher = asyncio.create_task(follow(), name="aura-mcp-watch")

    async def shutdown(self) -> None:
        """Close every session and stop every stdio server this manager started."""
        if self._watcher is not None:
            self._watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watcher
            self._watcher = None
        await asyncio.gather(*(self._close(k) for k in list(self._conns)))
