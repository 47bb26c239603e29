"""The ``aura`` command: the Typer root, global error handling and exit codes."""

from __future__ import annotations

import os
import sys

import typer

from aura_cli.commands import config as config_cmd
from aura_cli.commands import doctor as doctor_cmd
from aura_cli.commands import mcp as mcp_cmd
from aura_cli.commands import memory as memory_cmd
from aura_cli.commands import models as models_cmd
from aura_cli.commands import run as run_cmd
from aura_cli.commands import serve as serve_cmd
from aura_cli.commands import task as task_cmd
from aura_cli.commands import usage as usage_cmd

__all__ = ["app", "run"]

app = typer.Typer(
    name="aura",
    help="Run AI agents from your terminal: any provider or a local model, in pipes and CI.",
    no_args_is_help=False,
    invoke_without_command=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.command("run")(run_cmd.run)
app.add_typer(task_cmd.app, name="task")
app.add_typer(models_cmd.app, name="models")
app.add_typer(config_cmd.app, name="config")
app.add_typer(memory_cmd.app, name="memory")
app.add_typer(mcp_cmd.app, name="mcp")
app.add_typer(usage_cmd.app, name="usage")
app.command("doctor")(doctor_cmd.doctor)
app.command("serve")(serve_cmd.serve)


@app.callback()
def _root(
    ctx: typer.Context,
    server: str | None = typer.Option(None, "-s", "--server", help="URL of a remote `aura serve` (default: the `server` setting)."),
    token: str | None = typer.Option(None, "-t", "--token", help="Bearer token for the remote server (or AURA_TOKEN)."),
    version: bool = typer.Option(False, "--version", help="Print the version and exit."),
) -> None:
    """Run AI agents from your terminal: any provider or a local model, in pipes and CI."""
    from aura_cli import session

    session.REMOTE_FLAGS.update({"server": server, "token": token})
    if ctx.invoked_subcommand is None:
        if sys.stdin.isatty() and sys.stdout.isatty():
            from aura_cli.commands.tui import open_tui

            open_tui()
            raise typer.Exit(0)
        typer.echo(ctx.get_help())
        raise typer.Exit(0)
    if version:
        from aura_core import __version__

        typer.echo(f"aura {__version__}")
        raise typer.Exit(0)


def _fail(message: str, code: int) -> None:
    sys.stderr.write(f"aura: error: {message}\n")
    sys.stderr.flush()
    raise SystemExit(code)


def run() -> None:
    """Console-script entry point: run the app and turn errors into one line + exit code."""
    from aura_core.errors import AuraError

    try:
        app()
    except AuraError as exc:
        _fail(exc.message, exc.exit_code)
    except KeyboardInterrupt:
        sys.stderr.write("aura: interrupted\n")
        raise SystemExit(130) from None
    except Exception as exc:  # noqa: BLE001 - never show a traceback unless asked
        if os.environ.get("AURA_DEBUG"):
            raise
        _fail(f"{type(exc).__name__}: {exc} (set AURA_DEBUG=1 for a traceback)", 1)


if __name__ == "__main__":
    run()
