"""``aura doctor``: versions, paths, database, sandbox and local model status."""

from __future__ import annotations

import json
import platform
import sys
from typing import Annotated

import typer

__all__ = ["doctor"]

_PACKAGES = ("typer", "rich", "textual", "httpx", "sqlite-utils", "llama-cpp-python",
             "llguidance", "mcp", "litestar", "keyring")


def _version(name: str) -> str | None:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _secrets_backend() -> str:
    try:
        from aura_core.secrets import backend_name

        return backend_name()
    except Exception as exc:  # noqa: BLE001 - doctor reports, it does not fail
        return f"unavailable: {exc}"


def collect() -> dict[str, object]:
    """Gather the doctor report."""
    from aura_core import __version__, paths
    from aura_core.config import load_config
    from aura_core.inference.models import embedded_model_ready
    from aura_core.providers.resolve import DEFAULT_MODEL
    from aura_core.store import open_store
    from aura_core.tools.sandbox import sandbox_status

    config = load_config()
    store = open_store()
    stats = store.stats()
    sandbox = sandbox_status()
    sandbox_on = bool(config.get("tools.sandbox"))
    report: dict[str, object] = {
        "aura": __version__,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "packages": {name: _version(name) for name in _PACKAGES},
        "paths": {
            "database": str(paths.db_path()),
            "config": str(paths.config_path()),
            "user_dir": str(paths.user_dir()),
            "models": str(paths.models_dir()),
        },
        "database": {**stats, "integrity": "ok" if store.integrity_ok() else "FAILED",
                     "vacuum_advised": store.needs_vacuum(stats)},
        "sandbox": {
            "enabled": sandbox_on,
            "available": sandbox.available,
            "active": sandbox_on and sandbox.available,
            "detail": sandbox.reason,
            "network": "allowed" if config.get("tools.allow_network") else "blocked",
        },
        "secrets": {"backend": _secrets_backend()},
        "model": {
            "default": str(config.get("model") or DEFAULT_MODEL),
            "embedded_ready": embedded_model_ready(),
            "llama_cpp": _version("llama-cpp-python") is not None,
        },
    }
    store.close()
    return report


def _vacuum(json_out: bool) -> None:
    from rich.console import Console

    from aura_core.store import open_store

    store = open_store()
    try:
        with Console(stderr=True).status("rewriting the database…"):  # silent off a terminal
            result = store.vacuum()
    finally:
        store.close()
    if json_out:
        typer.echo(json.dumps(result, indent=2))
        return
    typer.echo(f"database rewritten: {result['bytes_before'] / 2**20:.1f} MiB → "
               f"{result['bytes_after'] / 2**20:.1f} MiB, pages of "
               f"{result['page_size_before']} → {result['page_size_after']} bytes")


def doctor(
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    vacuum: Annotated[bool, typer.Option(
        "--vacuum", help="Rewrite the database file (drop free pages, current page size); "
        "every other Aura process must be closed.")] = False,
) -> None:
    """Check the installation: versions, paths, database, sandbox and local model."""
    if vacuum:
        _vacuum(json_out)
        return
    report = collect()
    if json_out:
        typer.echo(json.dumps(report, indent=2))
        return
    from rich.console import Console

    c = Console(highlight=False)
    ok, bad = "[green]✓[/]", "[yellow]![/]"
    c.print(f"[bold]Aura {report['aura']}[/] · Python {report['python']} · {report['platform']}")
    pkgs = report["packages"]
    c.print("packages: " + ", ".join(f"{k} {v or '[red]missing[/]'}" for k, v in pkgs.items()))  # type: ignore[union-attr]
    for k, v in report["paths"].items():  # type: ignore[union-attr]
        c.print(f"{k:>9}: {v}")
    db = report["database"]
    c.print(f"{ok if db['integrity'] == 'ok' else bad} database: {db['tasks']} tasks, "  # type: ignore[index]
            f"{db['task_messages']} messages, {db['task_events']} events, "  # type: ignore[index]
            f"{db['bytes'] / 1024:.0f} KiB, integrity {db['integrity']}")  # type: ignore[index]
    if db["vacuum_advised"]:  # type: ignore[index]
        c.print(f"{bad} database file: {db['free_bytes'] / 1024:.0f} KiB free, "  # type: ignore[index]
                f"{db['page_size']}-byte pages: `aura doctor --vacuum` (with other Aura "  # type: ignore[index]
                "processes closed) makes it smaller and its writes cheaper")
    sb = report["sandbox"]
    if sb["active"]:  # type: ignore[index]
        c.print(f"{ok} sandbox: active (bubblewrap), network {sb['network']}")  # type: ignore[index]
    elif not sb["enabled"]:  # type: ignore[index]
        c.print(f"{bad} sandbox: disabled in settings (tools.sandbox = false)")
    else:
        c.print(f"{bad} sandbox: unavailable — {sb['detail']}; shell commands run unsandboxed "  # type: ignore[index]
                "(install bubblewrap)")
    c.print(f"{ok} secrets: {report['secrets']['backend']}")  # type: ignore[index]
    m = report["model"]
    ready = "ready" if m["embedded_ready"] else "prepared on first run"  # type: ignore[index]
    c.print(f"{ok} default model: {m['default']} · embedded model {ready}")  # type: ignore[index]
