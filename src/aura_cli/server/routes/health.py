"""``GET /api/health``: the one public route, for probes and load balancers."""

from __future__ import annotations

from litestar import Controller, get

from aura_cli.server.errors import ERRORS
from aura_core import __version__

__all__ = ["HealthController"]


class HealthController(Controller):
    """Liveness."""

    tags = ["health"]

    @get("/api/health", responses=ERRORS, summary="Liveness probe (no token needed)")
    async def health(self) -> dict[str, str]:
        """Whether the server answers, and its version."""
        return {"status": "ok", "version": __version__}
