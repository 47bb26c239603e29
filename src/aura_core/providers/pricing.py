"""Model prices (USD per million tokens): bundled defaults, user overrides, and call costs."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from aura_core.errors import UsageError
from aura_core.providers.base import Usage

if TYPE_CHECKING:
    from aura_core.store.providers import ProviderStore

__all__ = ["Price", "PriceBook", "default_prices", "is_free_provider", "price_source"]

_SEPARATORS = "-:@./"


@dataclass(slots=True, frozen=True)
class Price:
    """What one model charges, in USD per million tokens.

    Attributes:
        input: uncached input tokens.
        output: output tokens (reasoning included).
        cache_read: cached input read back; the input price when the vendor gives none.
        cache_write: input written to the cache; the input price when the vendor gives none.
    """

    input: float
    output: float
    cache_read: float | None = None
    cache_write: float | None = None

    def cost(self, usage: Usage) -> float:
        """USD for one call's usage."""
        read = self.input if self.cache_read is None else self.cache_read
        write = self.input if self.cache_write is None else self.cache_write
        total = (
            usage.input_tokens * self.input
            + usage.output_tokens * self.output
            + usage.cache_read_tokens * read
            + usage.cache_write_tokens * write
        )
        return total / 1_000_000

    def to_dict(self) -> dict[str, float | None]:
        """JSON-ready form."""
        return {
            "input": self.input,
            "output": self.output,
            "cache_read": self.cache_read,
            "cache_write": self.cache_write,
        }


@cache
def _bundled() -> dict[str, object]:
    text = resources.files("aura_core.providers").joinpath("prices.json").read_text("utf-8")
    return json.loads(text)


def price_source() -> str:
    """Where the bundled prices come from, e.g. ``genai-prices 0.2.3 (2026-12-04)``."""
    data = _bundled()
    return f"{data.get('source', 'bundled')} ({data.get('generated', '?')})"


def default_prices() -> dict[str, dict[str, Price]]:
    """The bundled price table: provider id → model → price."""
    models = _bundled().get("models", {})
    return {
        provider: {model: Price(**row) for model, row in table.items()}  # type: ignore[arg-type]
        for provider, table in models.items()  # type: ignore[union-attr]
    }


@cache
def _default_table() -> dict[str, dict[str, Price]]:
    return default_prices()


def is_free_provider(provider: str) -> bool:
    """Whether calls to ``provider`` cost nothing (Aura's local engine and local servers)."""
    if provider in ("local", "scripted"):
        return True
    from aura_core.providers.catalog import load_catalog

    info = load_catalog().get(provider)
    return bool(info and info.local)


def _match(table: dict[str, Price], model: str) -> Price | None:
    """Exact id first, then the longest known id the name starts with (dated snapshots)."""
    name = model.lower().removeprefix("models/")
    if name in table:
        return table[name]
    best = ""
    for known in table:
        if (
            len(known) > len(best)
            and name.startswith(known)
            and (len(name) == len(known) or name[len(known)] in _SEPARATORS)
        ):
            best = known
    return table[best] if best else None


class PriceBook:
    """Prices with the user's overrides on top of the bundled defaults.

    Args:
        rows: the provider tables of the database (for overrides); None for defaults only.
    """

    def __init__(self, rows: ProviderStore | None = None) -> None:
        self._rows = rows
        self._overrides: dict[tuple[str, str], Price] | None = None

    def _override_map(self) -> dict[tuple[str, str], Price]:
        if self._overrides is None:
            self._overrides = {}
            if self._rows is not None:
                for row in self._rows.prices():
                    self._overrides[(row.provider, row.model)] = Price(
                        row.input, row.output, row.cache_read, row.cache_write
                    )
        return self._overrides

    def price(self, provider: str, model: str) -> Price | None:
        """The price of ``provider:model``; zero for local providers, None when unknown."""
        override = self._override_map().get((provider, model))
        if override is not None:
            return override
        if is_free_provider(provider):
            return Price(0.0, 0.0, 0.0, 0.0)
        table = _default_table().get(provider)
        return _match(table, model) if table else None

    def cost(self, provider: str, model: str, usage: Usage) -> float:
        """USD for one call; 0 when the model's price is unknown."""
        price = self.price(provider, model)
        return price.cost(usage) if price else 0.0

    def set(self, provider: str, model: str, price: Price) -> None:
        """Store a user price for ``provider:model``.

        Raises:
            UsageError: a negative price, or no database to store it in.
        """
        values = [v for v in price.to_dict().values() if v is not None]
        if any(v < 0 for v in values):
            raise UsageError("prices cannot be negative")
        if self._rows is None:
            raise UsageError("no database to store the price in")
        from aura_core.store.providers import PriceRow

        self._rows.set_price(
            PriceRow(
                provider, model, price.input, price.output, price.cache_read, price.cache_write
            )
        )
        self._overrides = None

    def reset(self) -> int:
        """Drop every user price ("reset to defaults"); returns how many were dropped."""
        count = self._rows.clear_prices() if self._rows is not None else 0
        self._overrides = None
        return count

    def overrides(self) -> dict[str, Price]:
        """The user's prices by ``provider:model``."""
        return {f"{p}:{m}": price for (p, m), price in self._override_map().items()}
