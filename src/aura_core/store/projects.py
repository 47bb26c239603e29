"""Projects: named folders that tasks and project-scoped memory facts belong to."""

from __future__ import annotations

import secrets
import time
from dataclasses import asdict, dataclass

from sqlite_utils import Database

from aura_core.errors import AuraError

__all__ = ["Project", "ProjectExists", "ProjectStore"]


class ProjectExists(AuraError):
    """A project already uses this folder (one project per path)."""

    code = "CONFLICT"


@dataclass(slots=True)
class Project:
    """One row of the ``projects`` table.

    Attributes:
        id: ``proj_`` followed by 12 hex digits.
        path: the project folder, absolute; tasks whose ``project_path`` equals it belong here.
    """

    id: str
    name: str
    path: str
    created_at: float

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return asdict(self)


class ProjectStore:
    """Reads and writes ``projects``."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def create(self, name: str, path: str) -> Project:
        """Add a project.

        Args:
            name: what the user calls it.
            path: its folder (the caller checks that it exists and makes it absolute).

        Returns:
            The new project.

        Raises:
            ProjectExists: another project already has this path.
        """
        existing = self.get_by_path(path)
        if existing is not None:
            raise ProjectExists(f"project '{existing.name}' ({existing.id}) already uses {path}")
        project = Project(f"proj_{secrets.token_hex(6)}", name, path, time.time())
        with self.db.conn:
            self.db["projects"].insert(project.to_dict())
        return project

    def list(self, *, limit: int = 200, offset: int = 0) -> list[Project]:
        """Projects, by name."""
        rows = self.db.execute(
            "SELECT id, name, path, created_at FROM projects ORDER BY name, id LIMIT ? OFFSET ?",
            [limit, offset],
        ).fetchall()
        return [Project(*row) for row in rows]

    def get(self, project_id: str) -> Project | None:
        """A project by id, or None."""
        row = self.db.execute(
            "SELECT id, name, path, created_at FROM projects WHERE id = ?", [project_id]
        ).fetchone()
        return Project(*row) if row else None

    def get_by_path(self, path: str) -> Project | None:
        """The project whose folder is ``path``, or None."""
        row = self.db.execute(
            "SELECT id, name, path, created_at FROM projects WHERE path = ?", [path]
        ).fetchone()
        return Project(*row) if row else None

    def delete(self, project_id: str) -> bool:
        """Forget a project (its tasks and facts stay); False when there was none."""
        with self.db.conn:
            cur = self.db.execute("DELETE FROM projects WHERE id = ?", [project_id])
        return cur.rowcount > 0

    def task_count(self, path: str) -> int:
        """How many top-level tasks ran in the project's folder."""
        row = self.db.execute(
            "SELECT COUNT(*) FROM tasks WHERE project_path = ? AND parent_id IS NULL", [path]
        ).fetchone()
        return int(row[0]) if row else 0
