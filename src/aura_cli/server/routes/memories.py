"""``/api/memories``: learned memory facts (list, add, delete, search) and project instructions."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Literal

import msgspec
from litestar import Controller, delete, get, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from aura_cli.server.deps import EngineDep
from aura_cli.server.errors import ERRORS
from aura_core.agent.instructions import find_instructions
from aura_core.engine import Engine
from aura_core.errors import NotFoundError, UsageError
from aura_core.store.memory import Fact, FactCategory

__all__ = ["MemoryController", "fact_page", "fact_view", "project_dir"]

Limit = Annotated[int, QueryParameter(ge=1, le=500, description="Page size.")]
Offset = Annotated[int, QueryParameter(ge=0, le=100_000, description="Items to skip.")]
ProjectQuery = Annotated[
    str | None,
    QueryParameter(description="A project folder: its facts are shown beside the global ones."),
]


class FactIn(msgspec.Struct, kw_only=True):
    """A fact to remember; ``project`` scope needs ``project_path``."""

    content: Annotated[str, msgspec.Meta(min_length=1, max_length=10_000)]
    category: FactCategory = "knowledge"
    confidence: Annotated[float, msgspec.Meta(ge=0, le=1)] = 1.0
    scope: Literal["global", "project"] = "global"
    project_path: Annotated[str, msgspec.Meta(max_length=4096)] | None = None


def project_dir(path: str) -> str:
    """The absolute form of a project folder, as tasks and facts record it.

    Raises:
        UsageError: the path is not an existing directory.
    """
    if not path.strip() or "\0" in path:
        raise UsageError("project path is empty")
    try:
        resolved = Path(path).expanduser().resolve()
        is_dir = resolved.is_dir()
    except (OSError, RuntimeError, ValueError):
        is_dir = False
    if not is_dir:
        raise UsageError(f"project path is not an existing directory: {path}")
    return str(resolved)


def fact_view(fact: Fact) -> dict[str, object]:
    """A fact as the API shows it."""
    return asdict(fact)


def fact_page(
    engine: Engine,
    project_path: str | None,
    *,
    category: str | None = None,
    limit: int = 50,
    offset: int = 0,
    only_project: bool = False,
) -> list[Fact]:
    """Facts visible from a project (or only that project's own), newest first, one page."""
    wanted = offset + limit
    # Project-only pages filter global facts out afterwards, so ask for enough to fill one.
    fetch = 100_000 if only_project else wanted
    facts = engine.store.memory.facts(project_path=project_path, category=category, limit=fetch)
    if only_project:
        facts = [f for f in facts if f.scope == "project"]
    return facts[offset:wanted]


class MemoryController(Controller):
    """Memory facts the agents learned or were told."""

    path = "/api/memories"
    tags = ["memories"]

    @get("/", responses=ERRORS, summary="Memory facts visible from a project, newest first")
    async def list_facts(
        self,
        engine: EngineDep,
        project: ProjectQuery = None,
        category: FromQuery[FactCategory | None] = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> dict[str, object]:
        """Global facts, plus the project's own when ``project`` names a folder."""
        path = project_dir(project) if project else None
        facts = fact_page(engine, path, category=category, limit=limit, offset=offset)
        return {"facts": [fact_view(f) for f in facts], "limit": limit, "offset": offset}

    @post("/", responses=ERRORS, summary="Remember a fact")
    async def create(self, engine: EngineDep, data: JSONBody[FactIn]) -> dict[str, object]:
        """Store a fact; the same text in the same scope is refreshed, not duplicated.

        Raises:
            UsageError: a ``project`` fact without an existing ``project_path``.
        """
        content = data.content.strip()
        if not content:
            raise UsageError("the fact is empty")
        path = None
        if data.scope == "project":
            if not data.project_path:
                raise UsageError("a project fact needs project_path")
            path = project_dir(data.project_path)
        fact = Fact(
            content=content,
            category=data.category,
            confidence=data.confidence,
            scope=data.scope,
            project_path=path,
        )
        return fact_view(engine.store.memory.add_fact(fact))

    @get("/search", responses=ERRORS, summary="Keyword search among memory facts")
    async def search(
        self,
        engine: EngineDep,
        q: Annotated[str, QueryParameter(min_length=1, max_length=1000, description="Words.")],
        project: ProjectQuery = None,
        limit: Limit = 20,
    ) -> dict[str, object]:
        """Facts matching any of the words of ``q`` (three letters or more), best first."""
        path = project_dir(project) if project else None
        facts = engine.store.memory.search(q, project_path=path, limit=limit)
        return {"facts": [fact_view(f) for f in facts]}

    @get("/instructions", responses=ERRORS, summary="A project's instruction files (AURA.md …)")
    async def instructions(
        self,
        project: Annotated[str, QueryParameter(min_length=1, description="A project folder.")],
    ) -> dict[str, object]:
        """The instruction files found from the project up two parents, as agents get them."""
        found = find_instructions(Path(project_dir(project)))
        return {
            "files": [str(p) for p in found.files],
            "text": found.text,
            "notices": found.notices,
        }

    @delete("/{fact_id:int}", responses=ERRORS, status_code=200, summary="Forget a fact")
    async def delete_fact(self, engine: EngineDep, fact_id: FromPath[int]) -> dict[str, object]:
        """Delete a fact by id."""
        if not 0 < fact_id < 2**63 or not engine.store.memory.delete_fact(fact_id):
            raise NotFoundError(f"memory fact not found: {fact_id}")
        return {"deleted": fact_id}
