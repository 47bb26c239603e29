"""The guard in front of every request: Host/Origin checks, bearer token, overhead header."""

from __future__ import annotations

import hmac
import ipaddress
import time
from collections.abc import Iterable
from urllib.parse import urlsplit

from litestar.types import ASGIApp, Message, Receive, Scope, Send

from aura_cli.server.errors import error_body
from aura_core.errors import UsageError

__all__ = ["PUBLIC_ROUTES", "Guard", "check_bind", "host_allowed", "is_loopback"]

#: Routes anyone may call: a load balancer's health probe and the remote heartbeat.
PUBLIC_ROUTES: frozenset[tuple[str, str]] = frozenset(
    {("GET", "/api/health"), ("POST", "/api/heartbeat/incoming")}
)
_LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain"})
OVERHEAD_HEADER = b"x-aura-overhead-ms"


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a bind address or name) only accepts local connections."""
    name = host.strip("[]").lower()
    if name in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def check_bind(host: str, token: str | None) -> None:
    """Refuse to listen beyond this machine without a token.

    Raises:
        UsageError: ``host`` is not a loopback address and no token is set.
    """
    if not token and not is_loopback(host):
        raise UsageError(
            f"refusing to listen on {host} without a token: anyone on the network could run "
            "agents on this machine. Pass --token (or set AURA_WEB_TOKEN), or bind 127.0.0.1"
        )


def host_allowed(host: str, extra: Iterable[str] = ()) -> bool:
    """Whether a Host/Origin host name may reach the server (DNS-rebinding defence).

    IP literals are always fine (rebinding needs a name the attacker controls); names must be
    ``localhost`` or one the server was told about.
    """
    name = host.strip("[]").lower().rstrip(".")
    if not name:
        return False
    if name in _LOCAL_NAMES or name.endswith(".localhost") or name in extra:
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def _hostname(value: str) -> str:
    if value.startswith("["):
        return value[1 : value.find("]")] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


class Guard:
    """ASGI wrapper run before routing, so unknown paths are guarded too.

    Args:
        app: the wrapped ASGI app.
        token: the bearer token; ``None`` means no authentication (loopback only).
        allowed_hosts: extra host names accepted in ``Host`` and ``Origin``.
    """

    def __init__(self, app: ASGIApp, token: str | None, allowed_hosts: Iterable[str] = ()) -> None:
        self.app = app
        self._token = token.encode() if token else None
        self._hosts = frozenset(h.lower() for h in allowed_hosts)

    def _refusal(self, scope: Scope) -> tuple[int, str, str] | None:
        host = origin = auth = api_key = b""
        for key, value in scope["headers"]:
            if key == b"host":
                host = value
            elif key == b"origin":
                origin = value
            elif key == b"authorization":
                auth = value
            elif key == b"x-api-key":
                api_key = value
        host_name = _hostname(host.decode("latin-1"))
        if not host_allowed(host_name, self._hosts):
            return 403, "FORBIDDEN", f"host not allowed: {host_name or '(none)'}"
        if origin:
            origin_host = urlsplit(origin.decode("latin-1")).hostname or ""
            if not host_allowed(origin_host, self._hosts):
                return 403, "FORBIDDEN", "cross-origin requests are not allowed"
        if self._token is None or (scope["method"], scope["path"]) in PUBLIC_ROUTES:
            return None
        given = auth[7:].strip() if auth[:7].lower() == b"bearer " else api_key.strip()
        if not given or not hmac.compare_digest(given, self._token):
            return 401, "UNAUTHORIZED", "missing or invalid token (send Authorization: Bearer ...)"
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the request, then pass it on with the overhead header added to the response."""
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        refusal = self._refusal(scope)
        if refusal is not None:
            status, code, message = refusal
            body = error_body(message, code)
            headers = [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ]
            if status == 401:
                headers.append((b"www-authenticate", b"Bearer"))
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body, "more_body": False})
            return
        scope["aura_upstream_s"] = 0.0  # type: ignore[typeddict-unknown-key]

        async def timed_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                spent = time.perf_counter() - started - scope.get("aura_upstream_s", 0.0)  # type: ignore[misc]
                headers = list(message.get("headers") or [])
                headers.append((OVERHEAD_HEADER, f"{max(spent, 0.0) * 1000:.3f}".encode()))
                message = {**message, "headers": headers}  # type: ignore[typeddict-item]
            await send(message)

        await self.app(scope, receive, timed_send)
