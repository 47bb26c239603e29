"""``aura models status|pricing|price|limit``: provider health, prices and monthly limits."""

from __future__ import annotations

import json
from contextlib import closing
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from aura_core.store import Store

__all__ = ["limit", "price", "pricing", "status"]

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _open() -> Store:
    """Open the database (imported here so ``aura --help`` stays fast)."""
    from aura_core.store import open_store

    return open_store()


def status(json_out: JsonOpt = False) -> None:
    """Provider health (circuit breakers), monthly spend against limits, and the fallback order."""
    from aura_core.config import load_config
    from aura_core.providers.chain import fallback_ids
    from aura_core.providers.health import HealthRegistry
    from aura_core.providers.spend import SpendGuard
    from aura_core.store.providers import provider_rows

    with closing(_open()) as store:
        rows = provider_rows(store)
        health = HealthRegistry(rows=rows).snapshots()
        spend = [s.to_dict() for s in SpendGuard(rows).statuses()]
    data = {"health": health, "spend": spend, "fallback": fallback_ids(load_config())}
    if json_out:
        typer.echo(json.dumps(data, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    table = Table(
        "PROVIDER",
        "CIRCUIT",
        "FAILURES",
        "LAST ERROR",
        box=None,
        title="Health",
        title_justify="left",
    )
    colour = {"closed": "green", "half_open": "yellow", "open": "red"}
    for h in health:
        state = str(h["state"])
        note = f" (probe in {h['retry_in']:.0f}s)" if state == "open" else ""
        table.add_row(
            str(h["provider"]),
            f"[{colour[state]}]{state}[/]{note}",
            str(h["failures"]),
            str(h["last_error"] or ""),
        )
    console.print(table if health else "health: no provider calls recorded yet")
    for s in spend:
        mark = "[red]over[/]" if s["over"] else "[yellow]alert[/]" if s["alerting"] else "ok"
        console.print(f"{s['provider']}: ${s['spent']:.2f} of ${s['limit']:.2f} this month {mark}")
    console.print("fallback: " + (" → ".join(data["fallback"]) or "none (set `fallback`)"))  # type: ignore[arg-type]


def pricing(
    pattern: Annotated[
        str | None, typer.Argument(help="Only models whose provider:model contains this.")
    ] = None,
    reset: Annotated[
        bool, typer.Option("--reset", help="Drop your prices; use the bundled defaults.")
    ] = False,
    json_out: JsonOpt = False,
) -> None:
    """Show model prices in USD per million tokens (your overrides first), or reset them."""
    from aura_core.providers.pricing import PriceBook, default_prices, price_source
    from aura_core.store.providers import provider_rows

    with closing(_open()) as store:
        book = PriceBook(provider_rows(store))
        if reset:
            typer.echo(f"reset {book.reset()} price override(s); using {price_source()}")
            return
        overrides = {k: v.to_dict() for k, v in book.overrides().items()}
    defaults = {
        f"{p}:{m}": price.to_dict()
        for p, table in default_prices().items()
        for m, price in table.items()
    }
    if pattern:
        overrides = {k: v for k, v in overrides.items() if pattern in k}
        defaults = {k: v for k, v in defaults.items() if pattern in k}
    if json_out:
        typer.echo(
            json.dumps(
                {"source": price_source(), "overrides": overrides, "defaults": defaults}, indent=2
            )
        )
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(
        "MODEL",
        "INPUT",
        "OUTPUT",
        "CACHE READ",
        "CACHE WRITE",
        "",
        box=None,
        title=f"USD per million tokens · {price_source()}",
        title_justify="left",
    )

    def money(v: float | None) -> str:
        return "" if v is None else f"{v:g}"

    for kind, rows in (("yours", overrides), ("", defaults)):
        for model_id, p in rows.items():
            table.add_row(
                model_id,
                money(p["input"]),
                money(p["output"]),
                money(p["cache_read"]),
                money(p["cache_write"]),
                kind,
            )
    Console(highlight=False).print(table)


def price(
    model: Annotated[str, typer.Argument(help="provider:model")],
    input_usd: Annotated[
        float, typer.Option("--input", min=0.0, help="USD per million input tokens.")
    ],
    output_usd: Annotated[
        float, typer.Option("--output", min=0.0, help="USD per million output tokens.")
    ],
    cache_read: Annotated[
        float | None,
        typer.Option("--cache-read", min=0.0, help="USD per million cached tokens read."),
    ] = None,
    cache_write: Annotated[
        float | None,
        typer.Option("--cache-write", min=0.0, help="USD per million tokens written to the cache."),
    ] = None,
) -> None:
    """Set your own price for a model (undo with `aura models pricing --reset`)."""
    from aura_core.errors import UsageError
    from aura_core.providers.pricing import Price, PriceBook
    from aura_core.providers.resolve import parse_model_id
    from aura_core.store.providers import provider_rows

    if ":" not in model:
        raise UsageError("name the model as provider:model, e.g. openai:gpt-4o")
    provider, name = parse_model_id(model)
    with closing(_open()) as store:
        PriceBook(provider_rows(store)).set(
            provider, name, Price(input_usd, output_usd, cache_read, cache_write)
        )
    typer.echo(f"{model}: ${input_usd:g} in / ${output_usd:g} out per million tokens")


def limit(
    provider: Annotated[str, typer.Argument(help="Provider id.")],
    monthly: Annotated[
        float | None,
        typer.Option("--monthly", min=0.0, help="USD the provider may cost per calendar month."),
    ] = None,
    alert: Annotated[
        float, typer.Option("--alert", help="Share of the limit that raises an alert (0-1).")
    ] = 0.8,
    remove: Annotated[bool, typer.Option("--remove", help="Remove the limit.")] = False,
) -> None:
    """Set (or remove) PROVIDER's monthly spend limit; over it, the provider is skipped."""
    from aura_core.errors import NotFoundError, UsageError
    from aura_core.providers.resolve import provider_key_env
    from aura_core.providers.spend import SpendGuard
    from aura_core.store.providers import provider_rows

    with closing(_open()) as store:
        rows = provider_rows(store)
        if remove:
            if not rows.remove_limit(provider):
                raise NotFoundError(f"{provider} has no limit")
            typer.echo(f"removed the monthly limit of {provider}")
            return
        if monthly is None:
            raise UsageError("give --monthly USD (or --remove)")
        provider_key_env(provider, store)
        guard = SpendGuard(rows)
        guard.set_limit(provider, monthly, alert)
        now = guard.status(provider)
    spent = f"; spent ${now.spent:.2f} so far this month" if now else ""
    typer.echo(f"{provider}: ${monthly:.2f} a month, alert at {alert:.0%}{spent}")
