"""``aura memory``: memory files, learned facts and project instructions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

__all__ = ["app"]

app = typer.Typer(help="Inspect and edit memory and project instructions.", no_args_is_help=True)

ProjectOpt = Annotated[Path | None, typer.Option("-p", "--project", help="Project root (default: current directory).")]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _root(project: Path | None) -> Path:
    from aura_core.errors import UsageError

    root = (project or Path.cwd()).expanduser().resolve()
    if not root.is_dir():
        raise UsageError(f"project directory not found: {project}")
    return root


def _fact_dict(f) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {"id": f.id, "content": f.content, "category": f.category,
            "confidence": f.confidence, "scope": f.scope, "project_path": f.project_path,
            "source_task": f.source_task, "created_at": f.created_at}


def _print_facts(facts, json_out: bool) -> None:  # type: ignore[no-untyped-def]
    if json_out:
        typer.echo(json.dumps([_fact_dict(f) for f in facts], indent=2))
        return
    if not facts:
        typer.echo("no facts")
        return
    for f in facts:
        typer.echo(f"{f.id:>5}  {f.category:<14} {f.confidence:.2f}  {f.scope:<7}  {f.content}")


@app.command("list")
def list_(project: ProjectOpt = None, json_out: JsonFlag = False) -> None:
    """List memory files: user (~/.aura/memory) and project (.aura/memory)."""
    from aura_core.memory.files import list_memory_files

    files = list_memory_files(_root(project))
    if json_out:
        typer.echo(json.dumps([{"name": m.name, "scope": m.scope, "path": str(m.path),
                                "text": m.text} for m in files], indent=2))
        return
    if not files:
        typer.echo("no memory files")
    for m in files:
        first = m.text.strip().splitlines()[0] if m.text.strip() else ""
        typer.echo(f"{m.scope:<8} {m.name:<24} {first[:70]}")


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="Memory name (file name without .md).")],
    text: Annotated[str | None, typer.Argument(help="The memory text (default: stdin).")] = None,
    in_project: Annotated[bool, typer.Option("--project-scope", help="Store in the project's .aura/memory instead of ~/.aura/memory.")] = False,
    project: ProjectOpt = None,
) -> None:
    """Write a memory file that is injected into every task (of the project, with --project-scope)."""
    import sys

    from aura_core.errors import UsageError
    from aura_core.memory.files import add_memory_file

    body = text if text is not None else ("" if sys.stdin.isatty() else sys.stdin.read())
    if not body.strip():
        raise UsageError("no memory text: pass it as an argument or on stdin")
    mf = add_memory_file(name, body, "project" if in_project else "user", _root(project))
    typer.echo(f"saved {mf.scope} memory {mf.name} ({mf.path})")


@app.command("rm")
def rm(
    name: Annotated[str, typer.Argument(help="Memory file name, or a fact id with --fact.")],
    fact: Annotated[bool, typer.Option("--fact", help="NAME is the id of a learned fact.")] = False,
    in_project: Annotated[bool, typer.Option("--project-scope", help="Remove from the project's .aura/memory.")] = False,
    project: ProjectOpt = None,
) -> None:
    """Delete a memory file or a learned fact."""
    from aura_core.errors import NotFoundError, UsageError

    if fact:
        from aura_core.store import open_store

        if not name.isdigit():
            raise UsageError(f"fact ids are numbers, got {name!r}")
        if not open_store().memory.delete_fact(int(name)):
            raise NotFoundError(f"no fact with id {name}")
        typer.echo(f"deleted fact {name}")
        return
    from aura_core.memory.files import remove_memory_file

    path = remove_memory_file(name, "project" if in_project else "user", _root(project))
    typer.echo(f"deleted {path}")


@app.command("facts")
def facts(
    project: ProjectOpt = None,
    all_projects: Annotated[bool, typer.Option("--all", help="Facts of every project.")] = False,
    category: Annotated[str | None, typer.Option("--category", help="Only this category.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1)] = 100,
    json_out: JsonFlag = False,
) -> None:
    """Learned facts visible from the project (global ones and the project's own)."""
    from aura_core.errors import UsageError
    from aura_core.store import open_store
    from aura_core.store.memory import FACT_CATEGORIES

    if category and category not in FACT_CATEGORIES:
        raise UsageError(f"unknown category {category!r} (one of: {', '.join(FACT_CATEGORIES)})")
    store = open_store()
    found = store.memory.facts(project_path=str(_root(project)), all_projects=all_projects,
                               category=category, limit=limit)
    _print_facts(found, json_out)


@app.command("search")
def search(
    query: Annotated[str, typer.Argument(help="Keywords.")],
    project: ProjectOpt = None,
    all_projects: Annotated[bool, typer.Option("--all", help="Search every project.")] = False,
    json_out: JsonFlag = False,
) -> None:
    """Keyword search over learned facts (best match first)."""
    from aura_core.store import open_store

    found = open_store().memory.search(query, project_path=str(_root(project)),
                                       all_projects=all_projects)
    _print_facts(found, json_out)


@app.command("instructions")
def instructions(
    project: ProjectOpt = None,
    edit: Annotated[bool, typer.Option("--edit", help="Open the project's AURA.md in $EDITOR (created if missing).")] = False,
    json_out: JsonFlag = False,
) -> None:
    """Show the project instruction files (AURA.md, AGENTS.md, CLAUDE.md …) the agent gets."""
    from aura_core.agent.instructions import find_instructions

    root = _root(project)
    if edit:
        target = root / "AURA.md"
        if not target.exists():
            target.write_text("# Project instructions\n\n")
        import os
        import shlex
        import subprocess

        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
        subprocess.run([*shlex.split(editor), str(target)], check=False)
    found = find_instructions(root)
    if json_out:
        typer.echo(json.dumps({"files": [str(p) for p in found.files], "text": found.text,
                               "notices": found.notices}, indent=2))
        return
    if not found.files:
        typer.echo(f"no instruction files found from {root} up two parents "
                   "(create one with: aura memory instructions --edit)")
        return
    typer.echo(found.text)
