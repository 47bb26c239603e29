"""``aura config``: read and change settings in ``~/.aura/config.json``."""

from __future__ import annotations

import json
from typing import Annotated

import typer

__all__ = ["app"]

app = typer.Typer(help="Read and change settings.", no_args_is_help=True)


def _show(key: str, value: object) -> str:
    from aura_core.config import SECRET_KEYS

    if key in SECRET_KEYS and value:
        return "********"
    return json.dumps(value)


@app.command("get")
def get(key: Annotated[str, typer.Argument(help="Dotted key, e.g. local.n_ctx.")]) -> None:
    """Print a setting's effective value."""
    from aura_core.config import load_config

    typer.echo(_show(key, load_config().get(key)))


@app.command("set")
def set_(
    key: Annotated[str, typer.Argument(help="Dotted key, e.g. tools.allow_network.")],
    value: Annotated[str, typer.Argument(help="The new value (JSON lists for list settings).")],
) -> None:
    """Change a setting in the config file."""
    from aura_core.config import load_config

    stored = load_config().set(key, value)
    typer.echo(f"{key} = {_show(key, stored)}")


@app.command("unset")
def unset(key: str) -> None:
    """Remove a setting from the config file (its default applies again)."""
    from aura_core.config import load_config

    config = load_config()
    config.get(key)
    config.unset(key)
    typer.echo(f"{key} reset to default")


@app.command("list")
def list_(json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Every setting with its effective value and where it comes from."""
    from aura_core.config import env_name, load_config

    config = load_config()
    values = config.effective()
    if json_out:
        typer.echo(json.dumps({k: json.loads(_show(k, v)) if k != "token" else _show(k, v)
                               for k, v in values.items()}, indent=2))
        return
    width = max(len(k) for k in values)
    for key, value in values.items():
        typer.echo(f"{key:<{width}}  {_show(key, value):<20}  {config.source(key):<7}  {env_name(key)}")


@app.command("path")
def path() -> None:
    """Print the config file's path."""
    from aura_core import paths

    typer.echo(str(paths.config_path()))
