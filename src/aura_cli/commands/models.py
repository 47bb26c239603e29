"""``aura models``: list the models Aura can use and choose the default."""

from __future__ import annotations

import json
from typing import Annotated

import typer

__all__ = ["app"]

app = typer.Typer(help="List models and choose the default.", no_args_is_help=True)


def _collect() -> dict[str, object]:
    from aura_core.config import load_config
    from aura_core.inference.models import scan_models
    from aura_core.providers.resolve import DEFAULT_MODEL

    config = load_config()
    current = str(config.get("model") or DEFAULT_MODEL)
    local = [
        {"id": f"local:{m.path}", "name": m.name, "path": str(m.path), "size": m.size}
        for m in scan_models()
    ]
    local.insert(0, {"id": DEFAULT_MODEL, "name": "Gemma 3 270M Q4_K_M (embedded)",
                     "path": None, "size": None})
    return {"default": current, "local": local, "providers": _providers()}


def _providers() -> list[dict[str, object]]:
    import os

    try:
        from aura_core.providers.catalog import load_catalog
    except ImportError:
        return []
    out = []
    for info in load_catalog().values():
        configured = info.local or bool(info.key_env and os.environ.get(info.key_env))
        out.append({"id": info.id, "name": info.name, "wire": info.wire,
                    "base_url": info.base_url, "configured": configured,
                    "key_env": info.key_env})
    return out


@app.command("list")
def list_models(json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Show the default model, local GGUF models and the known providers."""
    data = _collect()
    if json_out:
        typer.echo(json.dumps(data, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    console.print(f"default model: [bold]{data['default']}[/]")
    table = Table("MODEL ID", "NAME", "SIZE", box=None, title="Local models", title_justify="left")
    for m in data["local"]:  # type: ignore[union-attr]
        size = f"{m['size'] / 1e6:.0f} MB" if m["size"] else ""
        table.add_row(str(m["id"]), str(m["name"]), size)
    console.print(table)
    providers = data["providers"]
    if providers:
        ptable = Table("PROVIDER", "NAME", "WIRE", "CONFIGURED", box=None, title="Providers",
                       title_justify="left")
        for p in providers:  # type: ignore[union-attr]
            mark = "[green]yes[/]" if p["configured"] else f"[dim]set {p['key_env']}[/]"
            ptable.add_row(str(p["id"]), str(p["name"]), str(p["wire"]), mark)
        console.print(ptable)


@app.command("use")
def use(model: Annotated[str, typer.Argument(help="Model id, provider:model (e.g. local:gemma3-270m).")]) -> None:
    """Make MODEL the default for new tasks."""
    from aura_core.config import load_config
    from aura_core.providers.resolve import resolve_provider

    config = load_config()
    resolve_provider(model, config)  # unknown provider or local file → one-line error
    config.set("model", model)
    typer.echo(f"default model: {model}")
