"""``aura models key``: store, list and remove provider API keys (encrypted, never printed)."""

from __future__ import annotations

import json
import sys
from contextlib import closing
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from aura_core.store import Store

__all__ = ["key_app"]

key_app = typer.Typer(
    help="Store or remove provider API keys (encrypted; never printed).", no_args_is_help=True
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _open() -> Store:
    """Open the database (imported here so ``aura --help`` stays fast)."""
    from aura_core.store import open_store

    return open_store()


@key_app.command("set")
def key_set(provider: Annotated[str, typer.Argument(help="Provider id, e.g. anthropic.")]) -> None:
    """Store PROVIDER's API key: prompted without echo, or read from stdin when piped."""
    from aura_core.errors import UsageError
    from aura_core.providers.resolve import provider_key_env
    from aura_core.secrets import SecretStore, api_key_name, backend_name

    with closing(_open()) as store:
        provider_key_env(provider, store)
        if sys.stdin.isatty():
            value = typer.prompt(f"API key for {provider}", hide_input=True)
        else:
            value = sys.stdin.readline()
        value = value.strip()
        if not value:
            raise UsageError("no key given")
        SecretStore(store).set(api_key_name(provider), value)
    typer.echo(f"stored the key for {provider} ({backend_name()})")


@key_app.command("rm")
def key_rm(provider: Annotated[str, typer.Argument(help="Provider id.")]) -> None:
    """Remove PROVIDER's stored API key."""
    from aura_core.errors import NotFoundError
    from aura_core.secrets import SecretStore, api_key_name

    with closing(_open()) as store:
        if not SecretStore(store).delete(api_key_name(provider)):
            raise NotFoundError(f"no stored key for {provider}")
    typer.echo(f"removed the key for {provider}")


@key_app.command("list")
def key_list(json_out: JsonOpt = False) -> None:
    """List the providers that have a stored key (never the keys)."""
    from aura_core.secrets import SecretStore

    with closing(_open()) as store:
        names = [
            n.removeprefix("api_key:")
            for n in SecretStore(store).list_names()
            if n.startswith("api_key:")
        ]
    typer.echo(json.dumps(names) if json_out else "\n".join(names) or "no stored keys")
