"""``aura task``: list, show, resume and delete stored tasks."""

from __future__ import annotations

import json
from typing import Annotated

import typer

__all__ = ["app"]

app = typer.Typer(help="List, inspect, resume and delete tasks.", no_args_is_help=True)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _store():  # type: ignore[no-untyped-def]
    from aura_core.store import open_store

    store = open_store()
    store.recover_orphans()
    return store


def _find(store, task_id: str):  # type: ignore[no-untyped-def]
    from aura_core.errors import NotFoundError

    record = store.tasks.get(task_id)
    if record is None:
        raise NotFoundError(f"task not found: {task_id}")
    return record


def _remote(call):  # type: ignore[no-untyped-def]
    """Run ``call(client)`` against the remote server when one is configured, else None."""
    from aura_cli.session import remote_settings

    settings = remote_settings()
    if settings is None:
        return None
    import asyncio

    from aura_cli.remote import RemoteClient

    async def go():  # type: ignore[no-untyped-def]
        client = RemoteClient(settings)
        try:
            return await call(client)
        finally:
            await client.close()

    return asyncio.run(go())


def _age(ts: float) -> str:
    import time

    delta = max(0, time.time() - ts)
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if delta >= size:
            return f"{int(delta // size)}{unit} ago"
    return "just now"


@app.command("list")
def list_tasks(
    status: Annotated[str | None, typer.Option("--status", help="Only tasks with this status.")] = None,
    interrupted: Annotated[bool, typer.Option("--interrupted", help="Only interrupted tasks (resumable).")] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000)] = 20,
    offset: Annotated[int, typer.Option("--offset", min=0)] = 0,
    json_out: JsonFlag = False,
) -> None:
    """List tasks, newest first."""
    from aura_core.errors import UsageError
    from aura_core.store.tasks import TASK_STATUSES

    if interrupted:
        status = "interrupted"
    if status is not None and status not in TASK_STATUSES:
        raise UsageError(f"unknown status {status!r} (one of: {', '.join(TASK_STATUSES)})")
    remote = _remote(lambda c: c.list_tasks(status=status, limit=limit, offset=offset))
    if remote is not None:
        from aura_core.store.tasks import TaskRecord

        rows = [TaskRecord.from_view(r) for r in remote]
    else:
        rows = _store().tasks.list(status=status, limit=limit, offset=offset)  # type: ignore[arg-type]
    if json_out:
        typer.echo(json.dumps([r.to_view() for r in rows], indent=2))
        return
    if not rows:
        typer.echo("no tasks")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(box=None, pad_edge=False)
    for col in ("ID", "STATUS", "MODEL", "CREATED", "TITLE"):
        table.add_column(col, no_wrap=col != "TITLE")
    colours = {"completed": "green", "failed": "red", "interrupted": "yellow",
               "executing": "cyan", "pending": "dim"}
    for r in rows:
        table.add_row(r.id[:12], f"[{colours.get(r.status, '')}]{r.status}[/]", r.model,
                      _age(r.created_at), r.title)
    Console().print(table)


def _is_remote() -> bool:
    from aura_cli.session import remote_settings

    return remote_settings() is not None


@app.command("show")
def show(task_id: str, json_out: JsonFlag = False) -> None:
    """Show a task and its transcript."""
    if _is_remote():
        async def both(c):  # type: ignore[no-untyped-def]
            return await c.get_task(task_id), await c.messages(task_id)

        task, messages = _remote(both)
        typer.echo(json.dumps({**task, "messages": messages}, indent=2))
        return
    store = _store()
    record = _find(store, task_id)
    messages = store.tasks.messages(record.id)
    if json_out:
        payload = record.to_view()
        payload["messages"] = [
            {"role": m.role, "content": m.content,
             "tool_calls": [c.to_dict() for c in m.tool_calls],
             "tool_call_id": m.tool_call_id, "name": m.name, "thinking": m.thinking,
             "is_error": m.is_error}
            for m in messages
        ]
        payload["usage"] = store.usage.task_totals(record.id)
        typer.echo(json.dumps(payload, indent=2))
        return
    from rich.console import Console

    console = Console(highlight=False)
    console.print(f"[bold]{record.title}[/]  [dim]{record.id}[/]")
    console.print(f"status {record.status}" + (f" ({record.reason})" if record.reason else "")
                  + f" · model {record.model} · project {record.project_path}")
    if record.error:
        console.print(f"[red]{record.error}[/]", markup=True)
    for m in messages:
        if m.role == "tool":
            mark = "✗" if m.is_error else "✓"
            body = m.content if len(m.content) < 600 else m.content[:600] + "…"
            console.print(f"[dim]  {mark} {m.name}: [/]", end="")
            console.print(body, markup=False, style="dim")
            continue
        console.print(f"[bold]{m.role}[/]", end=": ")
        console.print(m.content, markup=False)
        for call in m.tool_calls:
            console.print(f"  [cyan]⚙ {call.name}[/] {json.dumps(call.arguments)}",
                          markup=True, highlight=False)


@app.command("resume")
def resume(
    task_id: str,
    json_out: JsonFlag = False,
    verbose: Annotated[bool, typer.Option("-v", "--verbose")] = False,
) -> None:
    """Continue an interrupted or failed task from its stored transcript."""
    from aura_cli.session import resume_task_cli

    raise typer.Exit(resume_task_cli(task_id, json_out=json_out, verbose=verbose))


@app.command("compact")
def compact(task_id: str, json_out: JsonFlag = False) -> None:
    """Summarise a task's older history now (what the model sees next; the transcript stays)."""
    import asyncio

    from aura_core.engine import Engine

    async def go():  # type: ignore[no-untyped-def]
        engine = Engine()
        try:
            return await engine.compact(task_id)
        finally:
            await engine.shutdown()

    result = asyncio.run(go())
    if json_out:
        typer.echo(json.dumps(result))
    elif result is None:
        typer.echo("nothing to compact: the history is already short")
    else:
        typer.echo(f"compacted {result['dropped']} messages ({result['method']}): "
                   f"~{result['tokens_before']} → ~{result['tokens_after']} tokens")


@app.command("delete")
def delete(task_id: str, json_out: JsonFlag = False) -> None:
    """Delete a task with its transcript and events."""
    if _remote(lambda c: c.delete_task(task_id)) is not None or _is_remote():
        typer.echo(json.dumps({"deleted": task_id}) if json_out else f"deleted {task_id[:12]}")
        return
    store = _store()
    record = _find(store, task_id)
    if record.status == "executing":
        from aura_core.errors import UsageError

        raise UsageError(f"task {record.id[:12]} is running; stop it first")
    store.tasks.delete(record.id)
    if json_out:
        typer.echo(json.dumps({"deleted": record.id}))
    else:
        typer.echo(f"deleted {record.id[:12]}")
