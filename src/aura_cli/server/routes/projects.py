"""``/api/projects``: named project folders, their tasks and their memory facts."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, delete, get, post
from litestar.exceptions import HTTPException
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from aura_cli.server.deps import EngineDep
from aura_cli.server.errors import ERRORS, ErrorBody
from aura_cli.server.routes.memories import fact_page, fact_view, project_dir
from aura_cli.server.routes.views import task_view
from aura_core.engine import Engine
from aura_core.errors import NotFoundError, UsageError
from aura_core.store.projects import Project, ProjectExists, ProjectStore
from aura_core.store.tasks import TaskStatus

__all__ = ["ProjectController"]

Limit = Annotated[int, QueryParameter(ge=1, le=500, description="Page size.")]
Offset = Annotated[int, QueryParameter(ge=0, le=100_000, description="Items to skip.")]
_CREATE_ERRORS = {
    **ERRORS,
    409: ResponseSpec(ErrorBody, description="A project already uses this path"),
}


class ProjectIn(msgspec.Struct, kw_only=True):
    """A new project: a name for an existing folder."""

    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    path: Annotated[str, msgspec.Meta(min_length=1, max_length=4096)]


def _store(engine: Engine) -> ProjectStore:
    # Until Store grows a ``projects`` attribute, build the table group on the same database.
    store = getattr(engine.store, "projects", None)
    return store if isinstance(store, ProjectStore) else ProjectStore(engine.store.db)


def _project(engine: Engine, project_id: str) -> Project:
    project = _store(engine).get(project_id)
    if project is None:
        raise NotFoundError(f"project not found: {project_id}")
    return project


def _view(engine: Engine, project: Project) -> dict[str, object]:
    return {**project.to_dict(), "task_count": _store(engine).task_count(project.path)}


class ProjectController(Controller):
    """Projects: folders that tasks run in and that memory facts are scoped to."""

    path = "/api/projects"
    tags = ["projects"]

    @get("/", responses=ERRORS, summary="List projects")
    async def list_projects(
        self, engine: EngineDep, limit: Limit = 50, offset: Offset = 0
    ) -> dict[str, object]:
        """Projects by name, each with its number of tasks."""
        projects = _store(engine).list(limit=limit, offset=offset)
        return {"projects": [_view(engine, p) for p in projects], "limit": limit, "offset": offset}

    @post("/", responses=_CREATE_ERRORS, summary="Create a project")
    async def create(self, engine: EngineDep, data: JSONBody[ProjectIn]) -> dict[str, object]:
        """Name an existing folder as a project (one project per folder).

        Raises:
            UsageError: the path is not an existing directory.
        """
        name = data.name.strip()
        if not name:
            raise UsageError("the project name is empty")
        path = project_dir(data.path)
        try:
            project = _store(engine).create(name, path)
        except ProjectExists as exc:
            raise HTTPException(status_code=409, detail=exc.message) from None
        return _view(engine, project)

    @get("/{project_id:str}", responses=ERRORS, summary="One project")
    async def get_project(self, engine: EngineDep, project_id: FromPath[str]) -> dict[str, object]:
        """A project by id."""
        return _view(engine, _project(engine, project_id))

    @delete("/{project_id:str}", responses=ERRORS, status_code=200, summary="Delete a project")
    async def delete_project(
        self, engine: EngineDep, project_id: FromPath[str]
    ) -> dict[str, object]:
        """Forget a project; its folder, tasks and memory facts stay."""
        project = _project(engine, project_id)
        _store(engine).delete(project.id)
        return {"deleted": project.id}

    @get("/{project_id:str}/tasks", responses=ERRORS, summary="Tasks run in a project")
    async def tasks(
        self,
        engine: EngineDep,
        project_id: FromPath[str],
        limit: Limit = 50,
        offset: Offset = 0,
        status: FromQuery[TaskStatus | None] = None,
    ) -> dict[str, object]:
        """Top-level tasks whose folder is the project's, newest first."""
        project = _project(engine, project_id)
        records = engine.store.tasks.list(
            project_path=project.path, status=status, limit=limit, offset=offset
        )
        return {"tasks": [task_view(r) for r in records], "limit": limit, "offset": offset}

    @get(
        ["/{project_id:str}/memories", "/{project_id:str}/memory"],
        responses=ERRORS,
        summary="A project's own memory facts",
    )
    async def memories(
        self,
        engine: EngineDep,
        project_id: FromPath[str],
        limit: Limit = 50,
        offset: Offset = 0,
        include_global: Annotated[
            bool, QueryParameter(description="Also list global facts.")
        ] = False,
    ) -> dict[str, object]:
        """Facts scoped to the project, newest first (global ones too with ``include_global``)."""
        project = _project(engine, project_id)
        facts = fact_page(
            engine, project.path, limit=limit, offset=offset, only_project=not include_global
        )
        return {"facts": [fact_view(f) for f in facts], "limit": limit, "offset": offset}
