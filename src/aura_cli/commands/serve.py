"""``aura serve``: run the REST + SSE API and the model gateway with uvicorn."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import Annotated

import typer

__all__ = ["ServeSettings", "resolve_settings", "serve"]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 18800


@dataclass(slots=True, frozen=True)
class ServeSettings:
    """Where and how the server listens.

    Attributes:
        host: bind address.
        port: TCP port.
        token: bearer token, or None for no authentication (loopback only).
        enabled: whether ``aura daemon`` starts the server (``AURA_WEB_ENABLED``).
    """

    host: str
    port: int
    token: str | None
    enabled: bool


def _setting(config: object, *keys: str) -> object:
    from aura_core.errors import ConfigError

    for key in keys:
        try:
            value = config.get(key)  # type: ignore[attr-defined]
        except ConfigError:
            continue
        if value not in (None, ""):
            return value
    return None


def resolve_settings(
    host: str | None = None, port: int | None = None, token: str | None = None
) -> ServeSettings:
    """Merge flags, ``AURA_WEB_*`` variables, settings (``web.*`` / ``server.*``) and defaults.

    Raises:
        UsageError: a port that is not a number in 1-65535.
    """
    from aura_core.config import load_config
    from aura_core.errors import UsageError

    config = load_config()
    env = os.environ
    raw_port = port or env.get("AURA_WEB_PORT") or _setting(config, "web.port", "server.port")
    try:
        port_number = int(raw_port or DEFAULT_PORT)  # type: ignore[call-overload]
    except ValueError:
        raise UsageError(f"port must be a number, got {raw_port!r}") from None
    if not 0 < port_number < 65536:
        raise UsageError(f"port must be in 1-65535, got {port_number}")
    chosen_host = host or env.get("AURA_WEB_HOST") or _setting(config, "web.host", "server.host")
    chosen_token = (
        token or env.get("AURA_WEB_TOKEN") or _setting(config, "web.token", "server.token")
    )
    enabled = env.get("AURA_WEB_ENABLED", "").lower() in ("1", "true", "yes", "on") or bool(
        _setting(config, "web.enabled")
    )
    return ServeSettings(
        str(chosen_host or DEFAULT_HOST),
        port_number,
        str(chosen_token) if chosen_token else None,
        enabled,
    )


def serve(
    host: Annotated[
        str | None, typer.Option("--host", help="Bind address (default 127.0.0.1).")
    ] = None,
    port: Annotated[int | None, typer.Option("--port", help="TCP port (default 18800).")] = None,
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            help="Bearer token clients must send; prefer AURA_WEB_TOKEN, which `ps` cannot see.",
        ),
    ] = None,
    allow_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-host", help="Extra host name clients may use in Host/Origin (repeatable)."
        ),
    ] = None,
) -> None:
    """Serve the REST + SSE API and the OpenAI / Anthropic / Ollama-compatible gateway."""
    from aura_cli.server.auth import check_bind

    settings = resolve_settings(host, port, token)
    check_bind(settings.host, settings.token)

    import uvicorn

    from aura_cli.server import create_app
    from aura_core.engine import Engine

    engine = Engine()
    app = create_app(engine, token=settings.token, allowed_hosts=allow_host or ())
    auth = "bearer token required" if settings.token else "no token (loopback only)"
    shown = f"[{settings.host}]" if ":" in settings.host else settings.host
    sys.stderr.write(
        f"aura: serving on http://{shown}:{settings.port} ({auth}); API docs at /schema\n"
    )
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level="warning",
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=5,
    )
