"""``/api/diagnostics``, ``/api/platform``, ``/api/auth/check``: what a support request needs."""

from __future__ import annotations

import importlib.util
import platform
import sys

from litestar import Controller, get

from aura_cli.server.deps import EngineDep
from aura_cli.server.errors import ERRORS
from aura_core import __version__

__all__ = ["DiagnosticsController"]

_OPTIONAL = ("llama_cpp", "llguidance", "mcp", "keyring", "asyncssh")


class DiagnosticsController(Controller):
    """Environment and health details (no secrets)."""

    tags = ["diagnostics"]

    @get("/api/diagnostics", responses=ERRORS, summary="Versions, storage and optional components")
    async def diagnostics(self, engine: EngineDep) -> dict[str, object]:
        """What is installed and where the data lives."""
        stats = engine.store.stats()
        return {
            "version": __version__,
            "python": sys.version.split()[0],
            "platform": platform.platform(),
            "database": {"path": str(engine.store.path), **stats},
            "default_model": engine.default_model(),
            "components": {name: importlib.util.find_spec(name) is not None for name in _OPTIONAL},
        }

    @get("/api/platform", responses=ERRORS, summary="The platform identifier")
    async def platform_id(self) -> dict[str, str]:
        """``linux``, ``darwin`` or ``win32``."""
        return {"platform": sys.platform}

    @get("/api/auth/check", responses=ERRORS, summary="Whether the sent token is valid")
    async def auth_check(self) -> dict[str, bool]:
        """Answers only when the guard let the request through."""
        return {"ok": True}
