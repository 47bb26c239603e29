"""The objects route handlers receive by name: the engine and the gateway."""

from __future__ import annotations

from litestar.di import NamedDependency

from aura_cli.server.gateway.upstream import Gateway
from aura_core.engine import Engine

__all__ = ["EngineDep", "GatewayDep"]

EngineDep = NamedDependency[Engine]
"""The engine, injected into a handler parameter named ``engine``."""
GatewayDep = NamedDependency[Gateway]
"""The gateway, injected into a handler parameter named ``gateway``."""
