"""Build the Litestar application around an :class:`~aura_core.engine.Engine`."""

from __future__ import annotations

from collections.abc import Iterable

from litestar import Litestar
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme

from aura_cli.server.auth import Guard
from aura_cli.server.errors import exception_handlers
from aura_cli.server.gateway import GATEWAY_CONTROLLERS, Gateway
from aura_cli.server.routes import CONTROLLERS
from aura_core import __version__
from aura_core.engine import Engine

__all__ = ["MAX_BODY_BYTES", "create_app"]

#: Largest request body accepted (attachments travel as paths, not bodies).
MAX_BODY_BYTES = 16 * 1024 * 1024


def create_app(
    engine: Engine,
    *,
    token: str | None = None,
    allowed_hosts: Iterable[str] = (),
    shutdown_engine: bool = True,
) -> Litestar:
    """The REST + SSE API and the model gateway for ``engine``.

    Args:
        engine: the core the routes adapt.
        token: the bearer token every route but the public ones requires; ``None`` disables
            authentication (only safe on loopback; ``aura serve`` enforces that).
        allowed_hosts: host names accepted in ``Host``/``Origin`` besides localhost and IPs.
        shutdown_engine: interrupt running tasks and close the store when the server stops.

    Returns:
        The ASGI application (serve it with uvicorn).
    """
    gateway = Gateway(engine)

    async def stop() -> None:
        gateway.flush()  # commit the last buffered usage rows
        if shutdown_engine:
            await engine.shutdown()

    async def start() -> None:
        if engine.config.get("auto_resume"):
            await engine.auto_resume()  # unattended tasks whose process died carry on

    app = Litestar(
        route_handlers=[*CONTROLLERS, *GATEWAY_CONTROLLERS],
        dependencies={
            "engine": Provide(lambda: engine, use_cache=True, sync_to_thread=False),
            "gateway": Provide(lambda: gateway, use_cache=True, sync_to_thread=False),
        },
        exception_handlers=exception_handlers(),
        openapi_config=OpenAPIConfig(
            title="Aura",
            version=__version__,
            path="/schema",
            description="Aura's REST + SSE API and its OpenAI / Anthropic / Ollama gateway.",
            components=Components(
                security_schemes={
                    "bearer": SecurityScheme(type="http", scheme="bearer"),
                }
            ),
            security=[{"bearer": []}],
        ),
        request_max_body_size=MAX_BODY_BYTES,
        on_startup=[start],
        on_shutdown=[stop],
        debug=False,
        logging_config=None,
    )
    app.state.engine = engine
    # Guard the whole router, not single routes, so unknown paths answer 401/403 too.
    app.asgi_handler = Guard(app.asgi_handler, token, allowed_hosts)
    return app
