"""Drive one task from the terminal: start or resume it, render events, map Ctrl-C."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path
from typing import Literal

from aura_cli.render import JsonRenderer, TextRenderer, exit_code_for

__all__ = ["REMOTE_FLAGS", "remote_settings", "resume_task_cli", "run_task_cli"]

#: ``-s/--server`` and ``-t/--token`` as given on the command line.
REMOTE_FLAGS: dict[str, str | None] = {"server": None, "token": None}


def remote_settings():  # type: ignore[no-untyped-def]
    """The remote server to talk to (flags, then the ``server``/``token`` settings), or None."""
    from aura_cli.remote import RemoteSettings
    from aura_core.config import load_config

    config = load_config()
    url = REMOTE_FLAGS.get("server") or config.get("server")
    if not url:
        return None
    token = REMOTE_FLAGS.get("token") or config.get("token")
    return RemoteSettings(str(url), str(token) if token else None)


async def _follow(events, *, task_id, approve, cancel, json_out: bool, verbose: bool) -> int:  # type: ignore[no-untyped-def]
    """Render a run's events until ``done``; answer approvals; Ctrl-C cancels the task.

    Shared by the in-process engine and a remote server: ``approve`` and ``cancel`` are the
    two calls that differ.
    """
    renderer = JsonRenderer() if json_out else TextRenderer(verbose=verbose)
    loop = asyncio.get_running_loop()
    current = asyncio.current_task()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, lambda: current.cancel() if current else None)
    status = "failed"
    try:
        async for event in events:
            task_id = event.task_id
            renderer(event)
            if event.type == "approval" and event.data.get("decision") is None:
                await approve(str(event.data["approval_id"]), await _ask_approval(event))
            if event.type == "done":
                status = str(event.data.get("status", "failed"))
        return exit_code_for(status)
    except asyncio.CancelledError:
        renderer.close()
        if task_id:
            await cancel(task_id)
            sys.stderr.write(f"aura: interrupted; resume with: aura task resume {task_id[:12]}\n")
        return 130
    finally:
        renderer.close()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)


async def _drive_remote(settings, follow, json_out: bool, verbose: bool) -> int:  # type: ignore[no-untyped-def]
    from aura_cli.remote import RemoteClient

    client = RemoteClient(settings)
    try:
        return await _follow(follow(client), task_id=None, approve=client.approve,
                             cancel=client.cancel, json_out=json_out, verbose=verbose)
    finally:
        await client.close()


EMBEDDED_HINT = (
    "aura: using the embedded Gemma 3 270M base model (tiny, weak at reasoning). "
    "For real work: aura models use PROVIDER:MODEL (see `aura models list`)."
)


async def _drive(start, json_out: bool, verbose: bool) -> int:  # type: ignore[no-untyped-def]
    from aura_core.engine import Engine

    engine = Engine()

    async def approve(approval_id: str, decision: str) -> None:
        engine.approve(approval_id, decision)

    try:
        handle = await start(engine)
        return await _follow(handle.events(), task_id=handle.task_id, approve=approve,
                             cancel=engine.cancel, json_out=json_out, verbose=verbose)
    finally:
        await engine.shutdown()


async def _ask_approval(event) -> str:  # type: ignore[no-untyped-def]
    """Ask on the terminal whether a tool call may run (deny when nobody can answer)."""
    import json

    tool = event.data.get("tool")
    args = json.dumps(event.data.get("arguments"), ensure_ascii=False)
    try:
        tty = open("/dev/tty", "r+")  # noqa: SIM115 - closed below
    except OSError:
        sys.stderr.write(f"aura: {tool} needs approval but there is no terminal to ask; denied\n")
        return "deny"

    def prompt() -> str:
        with tty:
            tty.write(f"\nAllow {tool} {args[:300]}? [y]es once / [a]lways / [N]o: ")
            tty.flush()
            answer = tty.readline().strip().lower()
        return {"y": "once", "yes": "once", "a": "always", "always": "always"}.get(answer, "deny")

    return await asyncio.to_thread(prompt)


def _maybe_hint(engine, model: str | None, json_out: bool) -> None:  # type: ignore[no-untyped-def]
    from aura_core.providers.resolve import DEFAULT_MODEL

    chosen = model or engine.default_model()
    engine.resolve(chosen)  # an unknown model fails here, before any preparation
    if chosen == DEFAULT_MODEL and not json_out:
        sys.stderr.write(EMBEDDED_HINT + "\n")
    if chosen.startswith("local:"):
        _prepare_embedded(json_out)


def _prepare_embedded(quiet: bool) -> None:
    from aura_core.inference.models import embedded_model_path, embedded_model_ready

    if embedded_model_ready():
        return
    from rich.console import Console

    console = Console(stderr=True)
    if quiet or not console.is_terminal:
        embedded_model_path()
        return
    with console.status("Preparing the embedded model (first run only)…", spinner="dots"):
        embedded_model_path()


def run_task_cli(
    message: str, *, model: str | None, project: Path | None,
    mode: Literal["agent", "chat", "plan"], max_steps: int | None, budget: float | None,
    json_out: bool, verbose: bool, tools: list[str] | None = None,
) -> int:
    """Run a new task to its end; return the process exit code."""
    remote = remote_settings()
    if remote is not None:
        async def follow(client):  # type: ignore[no-untyped-def]
            task_id = await client.create_task(
                message, model=model, project=str(project) if project else None, mode=mode,
                max_steps=max_steps, budget=budget, tools=tools)
            async for event in client.events(task_id):
                yield event

        return asyncio.run(_drive_remote(remote, follow, json_out, verbose))

    async def start(engine):  # type: ignore[no-untyped-def]
        _maybe_hint(engine, model, json_out)
        return await engine.start_task(
            message, model=model, project=project, mode=mode, max_steps=max_steps,
            budget=budget, tools=tools,
        )

    return asyncio.run(_drive(start, json_out, verbose))


def resume_task_cli(task_id: str, *, json_out: bool, verbose: bool) -> int:
    """Resume a task to its end; return the process exit code."""
    remote = remote_settings()
    if remote is not None:
        def follow(client):  # type: ignore[no-untyped-def]
            return client.resume_events(task_id)

        return asyncio.run(_drive_remote(remote, follow, json_out, verbose))

    async def start(engine):  # type: ignore[no-untyped-def]
        record = engine.store.tasks.get(task_id)
        if record is not None and record.model.startswith("local:"):
            _prepare_embedded(json_out)
        handle = await engine.resume(task_id)
        return handle

    return asyncio.run(_drive(start, json_out, verbose))
