"""``aura run``: run one task, streaming its answer (or NDJSON events) to stdout."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

__all__ = ["run"]


def run(
    prompt: Annotated[str | None, typer.Argument(help="The task. Stdin is used (or appended) when piped.")] = None,
    model: Annotated[str | None, typer.Option("-m", "--model", help="Model id, provider:model.")] = None,
    project: Annotated[Path | None, typer.Option("-p", "--project", help="Project root (default: current directory).")] = None,
    chat: Annotated[bool, typer.Option("--chat", help="Chat only: no tools.")] = False,
    plan: Annotated[bool, typer.Option("--plan", help="Write a plan first, then carry it out.")] = False,
    max_steps: Annotated[int | None, typer.Option("--max-steps", min=1, help="Model calls allowed.")] = None,
    budget: Annotated[float | None, typer.Option("--budget", min=0.0, help="Stop the task when its cost reaches this many USD.")] = None,
    tools: Annotated[str | None, typer.Option("--tools", help="Comma-separated tool names the task may use (default: all; '' for none).")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print NDJSON events on stdout.")] = False,
    verbose: Annotated[bool, typer.Option("-v", "--verbose", help="Show tool inputs and outputs.")] = False,
) -> None:
    """Run a task. Exit codes: 0 done, 1 failed, 2 usage error, 130 interrupted."""
    from aura_cli.session import run_task_cli

    message = prompt or ""
    if not sys.stdin.isatty():
        piped = sys.stdin.read()
        if piped.strip():
            message = f"{message}\n\n{piped}" if message else piped
    if not message.strip():
        from aura_core.errors import UsageError

        raise UsageError("no prompt: pass one as an argument or pipe it on stdin")
    if chat and plan:
        from aura_core.errors import UsageError

        raise UsageError("--chat and --plan cannot be combined")
    mode = "chat" if chat else "plan" if plan else "agent"
    code = run_task_cli(
        message, model=model, project=project, mode=mode, max_steps=max_steps, budget=budget,
        json_out=json_out, verbose=verbose,
        tools=[t.strip() for t in tools.split(",") if t.strip()] if tools is not None else None,
    )
    raise typer.Exit(code)
