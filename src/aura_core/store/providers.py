"""Provider-side tables: encrypted secrets, custom providers, prices, spend limits, health, routing."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

from sqlite_utils import Database

__all__ = [
    "CustomProviderRow",
    "HealthRow",
    "PriceRow",
    "ProviderStore",
    "RouteRow",
    "SpendLimitRow",
]


@dataclass(slots=True)
class CustomProviderRow:
    """A user-defined provider: a catalog row the user added."""

    name: str
    base_url: str
    wire: str = "openai_chat"
    auth: str = "bearer"
    created_at: float = 0.0


@dataclass(slots=True)
class PriceRow:
    """USD per million tokens for one model."""

    provider: str
    model: str
    input: float
    output: float
    cache_read: float | None = None
    cache_write: float | None = None


@dataclass(slots=True)
class SpendLimitRow:
    """A provider's monthly limit and the share of it that raises an alert."""

    provider: str
    monthly_usd: float
    alert_ratio: float = 0.8
    alerted_month: str | None = None


@dataclass(slots=True)
class HealthRow:
    """The persisted state of one provider's circuit breaker."""

    provider: str
    state: str = "closed"
    failures: int = 0
    opened_at: float | None = None
    last_error: str | None = None
    last_success: float | None = None
    updated_at: float = 0.0


@dataclass(slots=True)
class RouteRow:
    """One routing decision."""

    task_id: str
    kind: str
    tier: str
    score: float
    model: str
    source: str
    reason: str = ""
    created_at: float = 0.0


class ProviderStore:
    """SQL for the provider tables (migration ``m003_providers``).

    Args:
        db: the database.
        flush: writes pending usage rows (the task store commits them in batches);
            called before reading spend.
    """

    def __init__(self, db: Database, flush: Callable[[], None] | None = None) -> None:
        self.db = db
        self._flush = flush or (lambda: None)

    # -- secrets (ciphertext only) -------------------------------------------------------
    def put_secret(self, name: str, nonce: bytes, ciphertext: bytes) -> None:
        """Store an encrypted value under ``name`` (replacing any earlier one)."""
        now = time.time()
        with self.db.conn:
            self.db["secrets"].upsert(
                {"name": name, "nonce": nonce, "ciphertext": ciphertext, "updated_at": now},
                pk="name",
            )

    def get_secret(self, name: str) -> tuple[bytes, bytes] | None:
        """The ``(nonce, ciphertext)`` stored under ``name``, or None."""
        row = self.db.execute(
            "SELECT nonce, ciphertext FROM secrets WHERE name = ?", [name]
        ).fetchone()
        return (bytes(row[0]), bytes(row[1])) if row else None

    def delete_secret(self, name: str) -> bool:
        """Remove a secret; False when there was none."""
        with self.db.conn:
            cur = self.db.execute("DELETE FROM secrets WHERE name = ?", [name])
        return cur.rowcount > 0

    def secret_names(self) -> list[str]:
        """Names of the stored secrets, sorted."""
        return [r[0] for r in self.db.execute("SELECT name FROM secrets ORDER BY name")]

    # -- custom providers ----------------------------------------------------------------
    def add_custom(self, row: CustomProviderRow) -> None:
        """Create or replace a custom provider."""
        row.created_at = row.created_at or time.time()
        with self.db.conn:
            self.db["custom_providers"].upsert(asdict(row), pk="name")

    def custom(self, name: str) -> CustomProviderRow | None:
        """One custom provider by name."""
        rows = list(self.db["custom_providers"].rows_where("name = ?", [name]))
        return CustomProviderRow(**rows[0]) if rows else None

    def customs(self) -> list[CustomProviderRow]:
        """Every custom provider, by name."""
        return [
            CustomProviderRow(**r) for r in self.db["custom_providers"].rows_where(order_by="name")
        ]

    def remove_custom(self, name: str) -> bool:
        """Delete a custom provider; False when it did not exist."""
        with self.db.conn:
            cur = self.db.execute("DELETE FROM custom_providers WHERE name = ?", [name])
        return cur.rowcount > 0

    # -- price overrides -----------------------------------------------------------------
    def set_price(self, row: PriceRow) -> None:
        """Store a user's price for a model."""
        with self.db.conn:
            self.db["price_overrides"].upsert(
                {**asdict(row), "updated_at": time.time()}, pk=("provider", "model")
            )

    def prices(self) -> list[PriceRow]:
        """Every user price override."""
        return [
            PriceRow(**{k: v for k, v in r.items() if k != "updated_at"})
            for r in self.db["price_overrides"].rows_where(order_by="provider, model")
        ]

    def clear_prices(self) -> int:
        """Delete every price override ("reset to defaults"); returns how many there were."""
        with self.db.conn:
            cur = self.db.execute("DELETE FROM price_overrides")
        return cur.rowcount

    # -- spend limits --------------------------------------------------------------------
    def set_limit(self, row: SpendLimitRow) -> None:
        """Create or replace a provider's monthly limit."""
        with self.db.conn:
            self.db["spend_limits"].upsert(asdict(row), pk="provider")

    def limit(self, provider: str) -> SpendLimitRow | None:
        """A provider's limit, or None when it has none."""
        row = self.db.conn.execute(
            "SELECT provider, monthly_usd, alert_ratio, alerted_month FROM spend_limits "
            "WHERE provider = ?", [provider]).fetchone()
        return SpendLimitRow(*row) if row else None

    def limits(self) -> list[SpendLimitRow]:
        """Every monthly limit."""
        return [SpendLimitRow(**r) for r in self.db["spend_limits"].rows_where(order_by="provider")]

    def remove_limit(self, provider: str) -> bool:
        """Delete a provider's limit; False when it had none."""
        with self.db.conn:
            cur = self.db.execute("DELETE FROM spend_limits WHERE provider = ?", [provider])
        return cur.rowcount > 0

    def mark_alerted(self, provider: str, month: str) -> None:
        """Remember that this month's alert for ``provider`` was raised."""
        with self.db.conn:
            self.db.execute(
                "UPDATE spend_limits SET alerted_month = ? WHERE provider = ?", [month, provider]
            )

    def spent_since(self, provider: str, since: float) -> float:
        """USD recorded for ``provider`` since the timestamp ``since``."""
        self._flush()
        row = self.db.execute(
            "SELECT COALESCE(SUM(cost), 0) FROM usage WHERE provider = ? AND created_at >= ?",
            [provider, since],
        ).fetchone()
        return float(row[0])

    # -- provider health -----------------------------------------------------------------
    def save_health(self, row: HealthRow) -> None:
        """Persist one circuit breaker's state."""
        row.updated_at = time.time()
        with self.db.conn:
            self.db["provider_health"].upsert(asdict(row), pk="provider")

    def health(self) -> dict[str, HealthRow]:
        """Every persisted breaker state, by provider."""
        return {r["provider"]: HealthRow(**r) for r in self.db["provider_health"].rows}

    # -- routing -------------------------------------------------------------------------
    def add_route(self, row: RouteRow) -> None:
        """Log a routing decision."""
        row.created_at = row.created_at or time.time()
        with self.db.conn:
            self.db["routing_decisions"].insert(asdict(row))

    def route_for(self, task_id: str) -> RouteRow | None:
        """The decision made for a task, if any."""
        rows = list(
            self.db["routing_decisions"].rows_where(
                "task_id = ?", [task_id], order_by="id desc", limit=1
            )
        )
        return RouteRow(**{k: v for k, v in rows[0].items() if k != "id"}) if rows else None

    def routes(self, since: float = 0.0) -> list[RouteRow]:
        """Decisions since a timestamp, oldest first."""
        return [
            RouteRow(**{k: v for k, v in r.items() if k != "id"})
            for r in self.db["routing_decisions"].rows_where(
                "created_at >= ?", [since], order_by="id"
            )
        ]

    def task_usage(self, task_id: str) -> list[dict[str, float]]:
        """A task's per-call token counts and cost (for re-pricing at another model)."""
        self._flush()
        cur = self.db.execute(
            "SELECT input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost "
            "FROM usage WHERE task_id = ?",
            [task_id],
        )
        keys = ("input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens", "cost")
        return [dict(zip(keys, (r or 0 for r in row), strict=True)) for row in cur]


def provider_rows(store: object) -> ProviderStore:
    """The provider tables of an open :class:`aura_core.store.Store`.

    Args:
        store: the store; its ``providers`` attribute is used when it has one.
    """
    rows = getattr(store, "providers", None)
    if isinstance(rows, ProviderStore):
        return rows
    tasks = getattr(store, "tasks", None)
    return ProviderStore(store.db, getattr(tasks, "flush_events", None))  # type: ignore[attr-defined]
