"""Monthly spend limits per provider: is a provider over its limit, and has it crossed its alert."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from aura_core.errors import UsageError

if TYPE_CHECKING:
    from aura_core.store.providers import ProviderStore

__all__ = ["SpendGuard", "SpendStatus"]


@dataclass(slots=True, frozen=True)
class SpendStatus:
    """A provider's spend this month against its limit."""

    provider: str
    spent: float
    limit: float
    alert_ratio: float

    @property
    def over(self) -> bool:
        """Whether the limit has been reached."""
        return self.spent >= self.limit

    @property
    def alerting(self) -> bool:
        """Whether spend has reached the alert threshold."""
        return self.spent >= self.limit * self.alert_ratio

    def refusal(self) -> str:
        """Why the provider may not be called again this month."""
        return (
            f"monthly spend limit reached (${self.spent:.2f} of ${self.limit:.2f}); "
            f"raise it with `aura models limit {self.provider} --monthly USD`"
        )

    def to_dict(self) -> dict[str, str | float | bool]:
        """JSON-ready form."""
        return {
            "provider": self.provider,
            "spent": round(self.spent, 6),
            "limit": self.limit,
            "alert_ratio": self.alert_ratio,
            "over": self.over,
            "alerting": self.alerting,
        }


def _month_start(now: float) -> float:
    moment = datetime.fromtimestamp(now)
    return moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0).timestamp()


class SpendGuard:
    """Reads and sets monthly limits; the clock is injectable for tests.

    Args:
        rows: the provider tables.
        clock: wall-clock seconds.
    """

    def __init__(self, rows: ProviderStore, clock: Callable[[], float] = time.time) -> None:
        self.rows = rows
        self.clock = clock

    def set_limit(self, provider: str, monthly_usd: float, alert_ratio: float = 0.8) -> None:
        """Set ``provider``'s monthly limit.

        Raises:
            UsageError: a negative limit or an alert ratio outside 0–1.
        """
        if monthly_usd < 0:
            raise UsageError("the monthly limit cannot be negative")
        if not 0 < alert_ratio <= 1:
            raise UsageError("--alert must be a share of the limit between 0 and 1, e.g. 0.8")
        from aura_core.store.providers import SpendLimitRow

        self.rows.set_limit(SpendLimitRow(provider, monthly_usd, alert_ratio))

    def status(self, provider: str) -> SpendStatus | None:
        """This month's spend against the limit, or None when ``provider`` has no limit."""
        row = self.rows.limit(provider)
        if row is None:
            return None
        spent = self.rows.spent_since(provider, _month_start(self.clock()))
        return SpendStatus(provider, spent, row.monthly_usd, row.alert_ratio)

    def statuses(self) -> list[SpendStatus]:
        """Every limited provider's status."""
        return [s for row in self.rows.limits() if (s := self.status(row.provider))]

    def new_alert(self, provider: str) -> str | None:
        """A message the first time this month the alert threshold is crossed, else None."""
        status = self.status(provider)
        if status is None or not status.alerting:
            return None
        month = datetime.fromtimestamp(self.clock()).strftime("%Y-%m")
        row = self.rows.limit(provider)
        if row is not None and row.alerted_month == month:
            return None
        self.rows.mark_alerted(provider, month)
        share = status.spent / status.limit * 100 if status.limit else 100.0
        return (
            f"{provider} has used {share:.0f}% of its monthly limit "
            f"(${status.spent:.2f} of ${status.limit:.2f})"
        )
