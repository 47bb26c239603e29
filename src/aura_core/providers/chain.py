"""Assemble the provider a task runs on: fallback order, health, spend limits and pricing."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from aura_core.config import Config
from aura_core.events import Event, EventType, JSONValue
from aura_core.providers.base import Provider, Usage
from aura_core.providers.fallback import FallbackProvider, resolve_candidates
from aura_core.providers.health import HealthRegistry, RetryPolicy, Sleep
from aura_core.providers.pricing import PriceBook
from aura_core.providers.spend import SpendGuard
from aura_core.store.providers import provider_rows

if TYPE_CHECKING:
    from aura_core.store import Store

__all__ = ["build_task_provider", "fallback_ids"]

Emit = Callable[[EventType, dict[str, JSONValue]], Awaitable[Event]]


def fallback_ids(config: Config) -> list[str]:
    """The configured fallback order (``fallback`` setting), as model ids."""
    raw = config.get("fallback") or []
    if isinstance(raw, str):
        raw = [part.strip() for part in raw.split(",")]
    return [str(item) for item in raw if item]  # type: ignore[union-attr]


def build_task_provider(
    model_id: str,
    *,
    config: Config,
    store: Store,
    resolve: Callable[[str], tuple[Provider, str]],
    emit: Emit,
    health: HealthRegistry | None = None,
    sleep: Sleep = asyncio.sleep,
    policy: RetryPolicy | None = None,
) -> tuple[FallbackProvider, Callable[[str, str, Usage], float]]:
    """The provider a task runs on, and the cost function for its ``RunSpec``.

    Args:
        model_id: the task's model id (first in the fallback order).
        config: the settings (``fallback``).
        store: the database (health, limits, prices).
        resolve: model id → provider and model name.
        emit: the task's event emitter; switches and spend alerts become ``status`` events.
        health: the circuit breakers; a registry persisted in ``store`` when None.
        sleep: the retry wait (tests pass a fake).
        policy: retries for the last provider in the order.

    Returns:
        ``(provider, cost)``.

    Raises:
        AuraError: the task's own model cannot be resolved.
    """
    rows = provider_rows(store)
    candidates = resolve_candidates(model_id, fallback_ids(config), resolve)

    async def on_switch(old: str, new: str, reason: str) -> None:
        await emit(
            "status",
            {
                "status": "executing",
                "message": f"switched from {old} to {new}: {reason}",
                "provider": new,
            },
        )

    async def on_alert(message: str) -> None:
        await emit("status", {"status": "executing", "message": message, "alert": "spend"})

    provider = FallbackProvider(
        candidates,
        health=health or HealthRegistry(rows=rows),
        spend=SpendGuard(rows),
        policy=policy,
        sleep=sleep,
        on_switch=on_switch,
        on_alert=on_alert,
    )
    return provider, PriceBook(rows).cost
