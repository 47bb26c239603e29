"""Regenerate src/aura_core/providers/prices.json from the `genai-prices` package.

genai-prices (pydantic, MIT) bundles a maintained snapshot of vendors' price pages and works
offline. Run this after upgrading it: ``pip install -U genai-prices && python scripts/update_prices.py``.
Only providers in Aura's catalog are kept; tiered prices keep their base tier.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "aura_core" / "providers" / "prices.json"

#: genai-prices provider id -> Aura catalog id.
PROVIDERS = {
    "anthropic": "anthropic",
    "openai": "openai",
    "google": "google",
    "deepseek": "deepseek",
    "mistral": "mistral",
    "groq": "groq",
    "together": "together",
    "openrouter": "openrouter",
    "minimax": "minimax",
    "moonshotai": "moonshot",
    "zai": "zhipu",
}
FIELDS = {
    "input_mtok": "input",
    "output_mtok": "output",
    "cache_read_mtok": "cache_read",
    "cache_write_mtok": "cache_write",
}


def _number(value: object) -> float | None:
    base = getattr(value, "base", value)  # TieredPrices -> its base price
    return float(base) if isinstance(base, Decimal | int | float) else None


def build() -> dict[str, object]:
    from genai_prices import __version__, data_snapshot

    now = datetime.now(tz=UTC)
    models: dict[str, dict[str, dict[str, float]]] = {}
    for provider in data_snapshot.get_snapshot().providers:
        ours = PROVIDERS.get(provider.id)
        if ours is None:
            continue
        table = models.setdefault(ours, {})
        for model in provider.models:
            try:
                price = model.get_prices(now)
            except Exception:  # noqa: BLE001 - skip a model whose price cannot be resolved
                continue
            row = {name: _number(getattr(price, key, None)) for key, name in FIELDS.items()}
            if row["input"] is None or row["output"] is None:
                continue
            table[model.id] = {k: v for k, v in row.items() if v is not None}
    return {
        "source": f"genai-prices {__version__}",
        "generated": now.strftime("%Y-%m-%d"),
        "unit": "USD per million tokens",
        "models": {p: dict(sorted(t.items())) for p, t in sorted(models.items())},
    }


def main() -> int:
    data = build()
    OUT.write_text(json.dumps(data, indent=1, sort_keys=False) + "\n")
    count = sum(len(t) for t in data["models"].values())  # type: ignore[union-attr]
    print(f"wrote {count} model prices to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
