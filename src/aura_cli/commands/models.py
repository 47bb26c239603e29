"""``aura models``: models and providers — keys, custom endpoints, health, prices and limits."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

from aura_cli.commands import model_keys, model_spend

if TYPE_CHECKING:
    from aura_core.store import Store

__all__ = ["app"]

app = typer.Typer(
    help="List models and providers, store keys, set prices and limits.", no_args_is_help=True
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


@contextmanager
def _store() -> Iterator[Store]:
    from aura_core.store import open_store

    store = open_store()
    try:
        yield store
    finally:
        store.close()


def _echo_json(data: object) -> None:
    typer.echo(json.dumps(data, indent=2))


def _key_state(store: Store, provider: str, key_env: str) -> str:
    import os

    from aura_core.secrets import SecretStore, api_key_name

    if key_env and os.environ.get(key_env):
        return "env"
    return "stored" if api_key_name(provider) in SecretStore(store).list_names() else "none"


def _providers(store: Store) -> list[dict[str, object]]:
    from aura_core.providers.catalog import load_catalog
    from aura_core.store.providers import provider_rows

    out: list[dict[str, object]] = []
    for info in load_catalog().values():
        key = _key_state(store, info.id, info.key_env) if info.needs_key else "not needed"
        out.append(
            {
                **info.public_dict(),
                "key": key,
                "custom": False,
                "configured": info.local or not info.needs_key or key != "none",
            }
        )
    for row in provider_rows(store).customs():
        env = row.name.upper().replace("-", "_") + "_API_KEY"
        key = _key_state(store, row.name, env) if row.auth != "none" else "not needed"
        out.append(
            {
                "id": row.name,
                "name": row.name,
                "wire": row.wire,
                "base_url": row.base_url,
                "local": False,
                "free_tier": False,
                "key_env": env,
                "key": key,
                "custom": True,
                "configured": True,
            }
        )
    return out


def _collect(store: Store) -> dict[str, object]:
    from aura_core.config import load_config
    from aura_core.inference.models import scan_models
    from aura_core.providers.resolve import DEFAULT_MODEL

    config = load_config()
    local = [
        {"id": f"local:{m.path}", "name": m.name, "path": str(m.path), "size": m.size}
        for m in scan_models()
    ]
    local.insert(
        0,
        {"id": DEFAULT_MODEL, "name": "Gemma 3 270M Q4_K_M (embedded)", "path": None, "size": None},
    )
    return {
        "default": str(config.get("model") or DEFAULT_MODEL),
        "local": local,
        "providers": _providers(store),
    }


def _adapter(store: Store, provider: str) -> object:
    from aura_core.config import load_config
    from aura_core.providers.resolve import provider_key_env, resolve_provider

    provider_key_env(provider, store)
    instance, _ = resolve_provider(f"{provider}:", load_config(), store=store)
    return instance


def _ask(lister: Callable[[], Awaitable[list[str]]]) -> list[str]:
    """Run one provider call, then close the pooled HTTP client (no warning at exit)."""
    import asyncio

    from aura_core.providers.http import close_shared_client

    async def call() -> list[str]:
        try:
            return await lister()
        finally:
            await close_shared_client()

    return asyncio.run(call())


@app.command("list")
def list_models(
    provider: Annotated[
        str | None, typer.Argument(help="Ask this provider which models it offers.")
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Show the default model, local GGUF models and every provider with its configured state."""
    with _store() as store:
        if provider:
            adapter = _adapter(store, provider)
            lister = getattr(adapter, "list_models", None)
            if lister is None:
                from aura_core.errors import UsageError

                raise UsageError(f"{provider} cannot list its models")
            names = _ask(lister)
            if json_out:
                _echo_json({"provider": provider, "models": names})
            else:
                typer.echo("\n".join(f"{provider}:{n}" for n in names))
            return
        data = _collect(store)
    if json_out:
        _echo_json(data)
        return
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    console.print(f"default model: [bold]{data['default']}[/]")
    table = Table("MODEL ID", "NAME", "SIZE", box=None, title="Local models", title_justify="left")
    for m in data["local"]:  # type: ignore[union-attr]
        table.add_row(
            str(m["id"]), str(m["name"]), f"{m['size'] / 1e6:.0f} MB" if m["size"] else ""
        )
    console.print(table)
    ptable = Table(
        "PROVIDER", "NAME", "WIRE", "KEY", box=None, title="Providers", title_justify="left"
    )
    for p in data["providers"]:  # type: ignore[union-attr]
        key = {
            "env": f"[green]{p['key_env']}[/]",
            "stored": "[green]stored[/]",
            "none": f"[dim]set {p['key_env']} or `aura models key set {p['id']}`[/]",
        }.get(str(p["key"]), "[dim]not needed[/]")
        ptable.add_row(
            str(p["id"]), str(p["name"]) + (" (custom)" if p["custom"] else ""), str(p["wire"]), key
        )
    console.print(ptable)


@app.command("use")
def use(
    model: Annotated[
        str, typer.Argument(help="Model id, provider:model (e.g. local:gemma3-270m).")
    ],
) -> None:
    """Make MODEL the default for new tasks."""
    from aura_core.config import load_config
    from aura_core.providers.resolve import resolve_provider

    config = load_config()
    with _store() as store:
        resolve_provider(model, config, store=store)  # unknown provider or file → one-line error
    config.set("model", model)
    typer.echo(f"default model: {model}")


@app.command("test")
def test_provider(provider: Annotated[str, typer.Argument(help="Provider id.")]) -> None:
    """Check the connection and key by asking PROVIDER for its model list."""
    import time

    from aura_core.errors import UsageError

    with _store() as store:
        adapter = _adapter(store, provider)
        lister = getattr(adapter, "list_models", None)
        if lister is None:
            raise UsageError(f"{provider} runs in-process; try `aura run -m {provider}: hi`")
        started = time.perf_counter()
        names = _ask(lister)
    ms = (time.perf_counter() - started) * 1000
    typer.echo(f"{provider}: ok, {len(names)} models, {ms:.0f} ms")


@app.command("add-provider")
def add_provider(
    name: Annotated[str, typer.Argument(help="A name of your own, used as NAME:model.")],
    base_url: Annotated[str, typer.Option("--base-url", help="API root, e.g. https://host/v1.")],
    wire: Annotated[
        str, typer.Option("--wire", help="openai_chat, anthropic_messages, gemini or ollama.")
    ] = "openai_chat",
    auth: Annotated[
        str, typer.Option("--auth", help="bearer, x-api-key, x-goog-api-key or none.")
    ] = "bearer",
) -> None:
    """Add a custom provider (any endpoint speaking one of the wire formats)."""
    import re

    from aura_core.errors import UsageError
    from aura_core.providers.catalog import load_catalog
    from aura_core.store.providers import CustomProviderRow, provider_rows

    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,39}", name):
        raise UsageError("a provider name is lowercase letters, digits, - and _ (max 40)")
    if name in load_catalog() or name == "scripted":
        raise UsageError(f"'{name}' is a built-in provider; pick another name")
    if not re.match(r"https?://[^\s/]+", base_url):
        raise UsageError(f"--base-url must be an http(s) URL, got {base_url!r}")
    if wire not in ("openai_chat", "anthropic_messages", "gemini", "ollama"):
        raise UsageError("--wire must be openai_chat, anthropic_messages, gemini or ollama")
    if auth not in ("bearer", "x-api-key", "x-goog-api-key", "none"):
        raise UsageError("--auth must be bearer, x-api-key, x-goog-api-key or none")
    with _store() as store:
        provider_rows(store).add_custom(CustomProviderRow(name, base_url.rstrip("/"), wire, auth))
    hint = f"; store its key with `aura models key set {name}`" if auth != "none" else ""
    typer.echo(f"added {name} ({wire} at {base_url}); use it as {name}:MODEL{hint}")


@app.command("remove-provider")
def remove_provider(
    name: Annotated[str, typer.Argument(help="The custom provider's name.")],
) -> None:
    """Remove a custom provider and its stored key."""
    from aura_core.errors import NotFoundError
    from aura_core.secrets import SecretStore, api_key_name
    from aura_core.store.providers import provider_rows

    with _store() as store:
        if not provider_rows(store).remove_custom(name):
            raise NotFoundError(f"no custom provider named {name}")
        SecretStore(store).delete(api_key_name(name))
    typer.echo(f"removed {name}")


app.add_typer(model_keys.key_app, name="key")
app.command("status")(model_spend.status)
app.command("pricing")(model_spend.pricing)
app.command("price")(model_spend.price)
app.command("limit")(model_spend.limit)
