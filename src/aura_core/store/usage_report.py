"""Usage summaries for ``aura usage``: today, this month, by provider, by model, by day."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlite_utils import Database

__all__ = ["UsageReport", "UsageTotals", "day_start", "month_start"]

_SUMS = (
    "COUNT(*), COALESCE(SUM(input_tokens),0), COALESCE(SUM(output_tokens),0), "
    "COALESCE(SUM(cache_read_tokens),0), COALESCE(SUM(cache_write_tokens),0), "
    "COALESCE(SUM(cost),0)"
)


@dataclass(slots=True)
class UsageTotals:
    """Sums over a set of recorded model calls."""

    calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    cost: float = 0.0

    @classmethod
    def from_row(cls, row: tuple[int, int, int, int, int, float]) -> UsageTotals:
        """Build from a ``_SUMS`` row."""
        return cls(int(row[0]), int(row[1]), int(row[2]), int(row[3]), int(row[4]), float(row[5]))


def day_start(now: float | None = None) -> float:
    """Local midnight of the day containing ``now``."""
    moment = datetime.fromtimestamp(time.time() if now is None else now)
    return moment.replace(hour=0, minute=0, second=0, microsecond=0).timestamp()


def month_start(now: float | None = None) -> float:
    """Local midnight of the first day of the month containing ``now``."""
    moment = datetime.fromtimestamp(time.time() if now is None else now)
    return moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0).timestamp()


class UsageReport:
    """Read-only queries over the ``usage`` table."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def totals(self, since: float = 0.0) -> UsageTotals:
        """Sums of every call recorded since ``since``."""
        row = self.db.execute(
            f"SELECT {_SUMS} FROM usage WHERE created_at >= ?", [since]
        ).fetchone()
        return UsageTotals.from_row(row)

    def grouped(self, column: str, since: float = 0.0) -> dict[str, UsageTotals]:
        """Sums per ``provider`` or per ``provider:model`` since ``since``, costliest first.

        Args:
            column: ``provider`` or ``model``.
            since: the earliest timestamp counted.
        """
        key = "provider" if column == "provider" else "provider || ':' || model"
        cur = self.db.execute(
            f"SELECT {key} AS k, {_SUMS} FROM usage WHERE created_at >= ? GROUP BY k "
            "ORDER BY SUM(cost) DESC, k",
            [since],
        )
        return {str(row[0]): UsageTotals.from_row(row[1:]) for row in cur}

    def daily(self, days: int = 14, now: float | None = None) -> list[tuple[str, UsageTotals]]:
        """One entry per local day for the last ``days`` days (oldest first, today last)."""
        today = datetime.fromtimestamp(day_start(now))
        out: list[tuple[str, UsageTotals]] = []
        for back in range(days - 1, -1, -1):
            start = today - timedelta(days=back)
            end = start + timedelta(days=1)
            row = self.db.execute(
                f"SELECT {_SUMS} FROM usage WHERE created_at >= ? AND created_at < ?",
                [start.timestamp(), end.timestamp()],
            ).fetchone()
            out.append((start.strftime("%Y-%m-%d"), UsageTotals.from_row(row)))
        return out


def usage_summary(db: Database, days: int = 14) -> dict[str, object]:
    """Today, this month, all time, by provider and model (this month), and the last ``days``."""
    from dataclasses import asdict

    report = UsageReport(db)
    month = month_start()
    return {
        "today": asdict(report.totals(day_start())),
        "month": asdict(report.totals(month)),
        "all_time": asdict(report.totals()),
        "by_provider": {k: asdict(v) for k, v in report.grouped("provider", month).items()},
        "by_model": {k: asdict(v) for k, v in report.grouped("model", month).items()},
        "daily": [{"date": d, **asdict(t)} for d, t in report.daily(days)],
    }
