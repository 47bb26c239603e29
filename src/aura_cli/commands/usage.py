"""``aura usage``: what model calls cost — today, this month, by provider, by model, per day."""

from __future__ import annotations

import json
from typing import Annotated

import typer

__all__ = ["app", "collect"]

app = typer.Typer(
    help="Token use and spend: today, this month, by provider and model, daily.",
    invoke_without_command=True,
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def collect(days: int = 14) -> dict[str, object]:
    """Gather the usage summary (the ``--json`` document)."""
    from aura_core.store import open_store
    from aura_core.store.usage_report import usage_summary

    store = open_store()
    try:
        return usage_summary(store.db, days)
    finally:
        store.close()


def _money(value: float) -> str:
    if not value:
        return "$0"
    return f"${value:,.4f}" if value < 1 else f"${value:,.2f}"


def _render(data: dict[str, object]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    today, month = data["today"], data["month"]
    console.print(
        f"[bold]today[/] {_money(today['cost'])} · {today['calls']} calls    "  # type: ignore[index]
        f"[bold]this month[/] {_money(month['cost'])} · {month['calls']} calls"
    )  # type: ignore[index]
    for title, key, header in (
        ("By provider (this month)", "by_provider", "PROVIDER"),
        ("By model (this month)", "by_model", "MODEL"),
    ):
        rows = data[key]
        if not rows:
            continue
        table = Table(
            header,
            "CALLS",
            "INPUT",
            "OUTPUT",
            "CACHE",
            "COST",
            box=None,
            title=title,
            title_justify="left",
        )
        for name, t in rows.items():  # type: ignore[union-attr]
            table.add_row(
                name,
                str(t["calls"]),
                f"{t['input_tokens']:,}",
                f"{t['output_tokens']:,}",
                f"{t['cache_read_tokens'] + t['cache_write_tokens']:,}",
                _money(t["cost"]),
            )
        console.print(table)
    daily = data["daily"]
    peak = max((d["cost"] for d in daily), default=0.0) or 1.0  # type: ignore[union-attr]
    by_calls = not any(d["cost"] for d in daily)  # type: ignore[union-attr]
    if by_calls:
        peak = max((d["calls"] for d in daily), default=0) or 1  # type: ignore[union-attr]
    console.print(f"[bold]Last {len(daily)} days[/] ({'calls' if by_calls else 'cost'})")  # type: ignore[arg-type]
    width = 40
    for d in daily:  # type: ignore[union-attr]
        value = d["calls"] if by_calls else d["cost"]
        bar = "█" * round(value / peak * width) or ("▏" if value else "")
        label = str(d["calls"]) if by_calls else _money(d["cost"])
        console.print(f"{d['date'][5:]} [cyan]{bar:<{width}}[/] {label}")


@app.callback()
def usage(ctx: typer.Context, json_out: JsonOpt = False) -> None:
    """Show today's and this month's spend, by provider and model, and a 14-day chart."""
    if ctx.invoked_subcommand is not None:
        return
    data = collect()
    if json_out:
        typer.echo(json.dumps(data, indent=2))
    else:
        _render(data)


@app.command("routing")
def routing(json_out: JsonOpt = False) -> None:
    """Tasks per complexity tier and the saving against running all of them on the top tier."""
    from aura_core.config import load_config
    from aura_core.providers.pricing import PriceBook
    from aura_core.routing.router import routing_report
    from aura_core.store import open_store
    from aura_core.store.providers import provider_rows

    store = open_store()
    try:
        rows = provider_rows(store)
        data = routing_report(rows, load_config(), PriceBook(rows))
    finally:
        store.close()
    if json_out:
        typer.echo(json.dumps(data, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    table = Table(
        "TIER",
        "TASKS",
        "COST",
        box=None,
        title=f"Routed tasks: {data['tasks']}",
        title_justify="left",
    )
    for tier, row in data["tiers"].items():  # type: ignore[union-attr]
        table.add_row(tier, str(row["tasks"]), _money(row["cost"]))
    console.print(table)
    if data["saving"] is None:
        console.print("saving: unknown (configure routing.tiers.* with priced models)")
    else:
        console.print(
            f"on {data['top_tier_model']} for everything: {_money(data['top_tier_cost'])}"  # type: ignore[arg-type]
            f" · actual {_money(data['actual_cost'])} · saved "  # type: ignore[arg-type]
            f"{_money(data['saving'])} ({data['saving_pct'] or 0:.0f}%)"
        )  # type: ignore[arg-type]
