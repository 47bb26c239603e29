"""One live connection to an MCP server: stdio, streamable HTTP, or legacy SSE."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TextIO

from aura_core.errors import AuraError
from aura_core.store.mcp import McpServerConfig, McpToolDef

if TYPE_CHECKING:
    import mcp_types

__all__ = ["McpConnection", "McpUnavailable", "WATCHDOG"]

#: The wrapper every stdio server runs under, so it dies with Aura.
WATCHDOG = Path(__file__).with_name("watchdog.py")
CONNECT_TIMEOUT = 60.0
_Kind = Literal["stdio", "streamable", "sse"]


class McpUnavailable(AuraError):
    """An MCP server cannot be reached, or its connection broke."""

    code = "MCP_UNAVAILABLE"


def _flatten(exc: BaseException) -> BaseException:
    """The first real error inside (possibly nested) exception groups."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    return exc


def describe_error(exc: BaseException) -> str:
    """A one-line description of a connection failure."""
    inner = _flatten(exc)
    if isinstance(inner, TimeoutError):
        return "timed out"
    status = getattr(getattr(inner, "response", None), "status_code", None)
    if status is not None:
        return f"HTTP {status}"
    text = str(getattr(inner, "message", "") or inner).strip() or type(inner).__name__
    return text.splitlines()[0][:300]


_VAR = re.compile(r"\$\{(?:env:)?([A-Za-z_][A-Za-z0-9_]*)\}")


def expand(text: str) -> str:
    """Replace ``${NAME}`` and ``${env:NAME}`` with environment variables (unset ones stay)."""
    return _VAR.sub(lambda m: os.environ.get(m.group(1), m.group(0)), text)


def _expand_all(items: dict[str, str]) -> dict[str, str]:
    return {k: expand(v) for k, v in items.items()}


class _Tokens:
    """In-memory OAuth token storage for one connection."""

    def __init__(self) -> None:
        self.tokens: object = None
        self.client: object = None

    async def get_tokens(self):  # type: ignore[no-untyped-def]  # noqa: ANN201 - SDK protocol
        return self.tokens

    async def set_tokens(self, tokens) -> None:  # type: ignore[no-untyped-def]
        self.tokens = tokens

    async def get_client_info(self):  # type: ignore[no-untyped-def]  # noqa: ANN201
        return self.client

    async def set_client_info(self, client_info) -> None:  # type: ignore[no-untyped-def]
        self.client = client_info


class McpConnection:
    """A session with one MCP server, held open by a background task until :meth:`close`.

    The transport and session live in their own task because the SDK's context managers
    must be entered and left in the same task, while tool calls arrive from any task.

    Args:
        config: the server to connect to.
        log_path: where a stdio server's stderr goes (appended); discarded when None.
    """

    def __init__(self, config: McpServerConfig, *, log_path: Path | None = None) -> None:
        self.config = config
        self.log_path = log_path
        self.kind: _Kind | None = None
        self.error: str | None = None
        self._session: object = None
        self._stop = asyncio.Event()
        self._runner: asyncio.Task[None] | None = None
        self._dead = False
        self._log_start = 0

    # -- lifecycle ---------------------------------------------------------------------
    @property
    def alive(self) -> bool:
        """Whether the session is up and its transport has not closed."""
        return self._session is not None and not self._dead

    async def open(self, timeout: float = CONNECT_TIMEOUT) -> None:
        """Start the transport and run the MCP handshake.

        ``http`` servers are tried with streamable HTTP first, then the legacy SSE transport.

        Raises:
            McpUnavailable: the server could not be started or reached.
        """
        cfg = self.config
        if cfg.transport == "stdio":
            kinds: list[_Kind] = ["stdio"]
        elif cfg.transport == "sse":
            kinds = ["sse"]
        else:
            kinds = ["streamable", "sse"]
        first: McpUnavailable | None = None
        for kind in kinds:
            try:
                await self._start(kind, timeout)
                return
            except McpUnavailable as exc:
                first = first or exc
        assert first is not None
        self.error = first.message
        raise first

    async def _start(self, kind: _Kind, timeout: float) -> None:
        self._stop = asyncio.Event()
        self._dead = False
        self._session = None
        ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._runner = asyncio.create_task(
            self._run(kind, ready, timeout), name=f"aura-mcp-{self.config.name}"
        )
        try:
            await ready
        except McpUnavailable:
            await asyncio.gather(self._runner, return_exceptions=True)
            raise
        self.kind = kind

    async def close(self) -> None:
        """End the session; a stdio server's process group is stopped."""
        self._stop.set()
        runner, self._runner = self._runner, None
        if runner is not None and not runner.done():
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.shield(runner)
        self._session = None

    async def _run(self, kind: _Kind, ready: asyncio.Future[None], timeout: float) -> None:
        import anyio

        from mcp import ClientSession

        log: TextIO | None = None
        try:
            async with AsyncExitStack() as stack:
                if kind == "stdio":
                    log = stack.enter_context(self._open_log())
                read, write = await stack.enter_async_context(self._transport(kind, log))
                send, receive = anyio.create_memory_object_stream[object](0)
                session = await stack.enter_async_context(ClientSession(receive, write))  # type: ignore[arg-type]
                group = await stack.enter_async_context(anyio.create_task_group())
                group.start_soon(self._pump, read, send)
                with anyio.fail_after(timeout):
                    await session.initialize()
                self._session = session
                ready.set_result(None)
                await self._stop.wait()
                group.cancel_scope.cancel()
        except BaseException as exc:  # noqa: BLE001 - reported through ``ready`` or ``error``
            message = self._explain(kind, exc)
            if not ready.done():
                ready.set_exception(McpUnavailable(message))
            elif not self._stop.is_set():
                self.error = message
        finally:
            self._dead = True
            self._session = None

    async def _pump(self, read: object, send: object) -> None:
        """Forward transport messages to the session; notice when the server goes away."""
        async with send:  # type: ignore[attr-defined]
            async for item in read:  # type: ignore[attr-defined]
                await send.send(item)  # type: ignore[attr-defined]
        self._dead = True
        if not self._stop.is_set():
            self.error = self._exit_notice()

    # -- transports --------------------------------------------------------------------
    @contextlib.contextmanager
    def _open_log(self) -> Iterator[TextIO]:
        if self.log_path is None:
            with open(os.devnull, "w") as sink:
                yield sink
            return
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "a", encoding="utf-8", errors="replace") as log:
            self._log_start = log.tell()
            yield log

    @asynccontextmanager
    async def _transport(
        self, kind: _Kind, log: TextIO | None
    ) -> AsyncIterator[tuple[object, object]]:
        cfg = self.config
        if kind == "stdio":
            from mcp.client.stdio import StdioServerParameters, stdio_client

            command = shutil.which(expand(cfg.command)) if cfg.command else None
            if command is None:
                raise McpUnavailable(f"command not found: {cfg.command or '(none)'}")
            args = [expand(a) for a in cfg.args]
            params = StdioServerParameters(
                command=sys.executable,
                args=["-I", str(WATCHDOG), str(os.getpid()), "--", command, *args],
                env=_expand_all(cfg.env) or None,
                cwd=expand(cfg.cwd) if cfg.cwd else None,
            )
            async with stdio_client(params, errlog=log or sys.stderr) as streams:
                yield streams
            return
        auth = self._oauth()
        url, headers = expand(cfg.url), _expand_all(cfg.headers) or None
        if kind == "sse":
            from mcp.client.sse import sse_client

            async with sse_client(url, headers=headers, auth=auth) as streams:
                yield streams
            return
        from mcp.client.streamable_http import streamable_http_client
        from mcp.shared._httpx_utils import create_mcp_http_client

        async with (
            create_mcp_http_client(headers=headers, auth=auth) as http,
            streamable_http_client(url, http_client=http) as streams,
        ):
            yield streams

    def _oauth(self) -> object:
        oauth = self.config.oauth
        if not (oauth.get("client_id") and oauth.get("client_secret")):
            return None
        from mcp.client.auth.extensions.client_credentials import ClientCredentialsOAuthProvider

        return ClientCredentialsOAuthProvider(
            server_url=expand(self.config.url),
            storage=_Tokens(),  # type: ignore[arg-type]
            client_id=expand(oauth["client_id"]),
            client_secret=expand(oauth["client_secret"]),
            scope=oauth.get("scope") or None,
        )

    # -- messages ----------------------------------------------------------------------
    def _scrub(self, text: str) -> str:
        for secret in self.config.secret_values():
            text = text.replace(secret, "********")
        return text

    def _log_tail(self) -> list[str]:
        """The last lines the server wrote to stderr during this connection."""
        if self.log_path is None or not self.log_path.exists():
            return []
        with open(self.log_path, "rb") as fh:
            end = fh.seek(0, os.SEEK_END)
            fh.seek(max(self._log_start, end - 4096))
            tail = fh.read().decode("utf-8", "replace")
        return [self._scrub(ln.strip()[:200]) for ln in tail.splitlines() if ln.strip()]

    def _exit_notice(self) -> str:
        lines = self._log_tail() if self.config.transport == "stdio" else []
        notice = "the server exited"
        if lines and lines[-1].startswith("[aura] "):
            notice = lines.pop()[len("[aura] ") :]
        return notice + (f" (its last output: {lines[-1]})" if lines else "")

    def _explain(self, kind: _Kind, exc: BaseException) -> str:
        inner = _flatten(exc)
        if isinstance(inner, McpUnavailable):
            return inner.message
        text = describe_error(exc)
        if kind == "stdio" and ("closed" in text.lower() or self._dead):
            text = self._exit_notice()
        elif kind != "stdio":
            text = f"{text} ({'legacy SSE' if kind == 'sse' else 'streamable HTTP'} at {self.config.url})"
        return self._scrub(text)

    # -- requests ----------------------------------------------------------------------
    def _live(self):  # type: ignore[no-untyped-def]
        if not self.alive:
            raise McpUnavailable(self.error or "not connected")
        return self._session

    async def list_tools(self) -> list[McpToolDef]:
        """Every tool the server offers (all pages).

        Raises:
            McpUnavailable: the connection is down.
        """
        session = self._live()
        tools: list[McpToolDef] = []
        cursor: str | None = None
        from mcp_types import PaginatedRequestParams

        while True:
            params = PaginatedRequestParams(cursor=cursor) if cursor else None
            page = await session.list_tools(params=params)
            for t in page.tools:
                schema = dict(t.input_schema or {}) or {"type": "object", "properties": {}}
                tools.append(
                    McpToolDef(self.config.name, t.name, t.description or t.title or "", schema)
                )
            cursor = page.next_cursor
            if not cursor:
                return tools

    async def call_tool(
        self, name: str, arguments: dict[str, object], timeout: float | None = None
    ) -> mcp_types.CallToolResult:
        """Call one tool.

        Raises:
            McpUnavailable: the connection is down or broke during the call.
            TimeoutError: the call took longer than ``timeout`` seconds.
        """
        from mcp.shared.exceptions import MCPError

        session = self._live()
        try:
            async with asyncio.timeout(timeout or self.config.call_timeout):
                return await session.call_tool(name, arguments)
        except MCPError as exc:
            if self._dead or "closed" in str(exc).lower():
                self._dead = True
                raise McpUnavailable(self.error or self._exit_notice()) from None
            raise
