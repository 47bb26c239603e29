"""``/api/models`` and ``/api/providers``: what Aura can run and which vendors it knows."""

from __future__ import annotations

import os

from litestar import Controller, get

from aura_cli.server.deps import EngineDep, GatewayDep
from aura_cli.server.errors import ERRORS

__all__ = ["ModelsController"]


def _providers() -> list[dict[str, object]]:
    from aura_core.providers.catalog import load_catalog

    return [
        {
            **info.public_dict(),
            "configured": info.local
            or not info.needs_key
            or bool(info.key_env and os.environ.get(info.key_env)),
        }
        for info in load_catalog().values()
    ]


class ModelsController(Controller):
    """Models and providers."""

    tags = ["models"]

    @get("/api/models", responses=ERRORS, summary="The default model and the models Aura can serve")
    async def models(self, engine: EngineDep, gateway: GatewayDep) -> dict[str, object]:
        """The default model id and known model ids."""
        return {"default": engine.default_model(), "models": gateway.model_ids()}

    @get(
        "/api/providers", responses=ERRORS, summary="Known providers and whether each is configured"
    )
    async def providers(self) -> dict[str, object]:
        """The provider catalog; keys are never shown, only whether one is set."""
        return {"providers": _providers()}
