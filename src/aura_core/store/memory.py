"""Memory facts (with FTS5 keyword search) and per-task memory such as compaction state."""

from __future__ import annotations

import re
import time
from dataclasses import asdict, dataclass
from typing import Literal

from sqlite_utils import Database

__all__ = ["FACT_CATEGORIES", "Fact", "FactCategory", "MemoryStore", "TaskMemory"]

FactCategory = Literal[
    "preference", "correction", "reinforcement", "knowledge", "file_operation", "context",
    "behavior", "goal",
]
FACT_CATEGORIES: tuple[FactCategory, ...] = (
    "preference", "correction", "reinforcement", "knowledge", "file_operation", "context",
    "behavior", "goal",
)


@dataclass(slots=True)
class Fact:
    """One learned fact.

    Attributes:
        scope: ``global`` (every project) or ``project`` (only ``project_path``).
    """

    content: str
    category: FactCategory
    confidence: float
    scope: Literal["global", "project"]
    project_path: str | None = None
    source_task: str | None = None
    id: int | None = None
    created_at: float = 0.0


@dataclass(slots=True)
class TaskMemory:
    """A piece of per-task memory: a compaction summary or a mode flag."""

    task_id: str
    kind: str
    content: str
    upto_idx: int
    created_at: float


def _fts_query(text: str) -> str:
    words = {w.lower() for w in re.findall(r"[A-Za-z0-9_]{3,}", text)}
    stop = {"the", "and", "for", "with", "this", "that", "from", "into", "use", "please",
            "can", "you", "are", "was", "not", "but", "what", "how", "all", "any"}
    return " OR ".join(f'"{w}"' for w in sorted(words - stop))


class MemoryStore:
    """Reads and writes memory facts and task memory."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def add_fact(self, fact: Fact) -> Fact:
        """Store a fact; an identical fact in the same scope is refreshed, not duplicated."""
        fact.created_at = fact.created_at or time.time()
        existing = self.db.execute(
            "SELECT id, confidence FROM memory_facts WHERE content = ? AND scope = ? "
            "AND COALESCE(project_path, '') = COALESCE(?, '')",
            [fact.content, fact.scope, fact.project_path],
        ).fetchone()
        with self.db.conn:
            if existing:
                fact.id = int(existing[0])
                self.db["memory_facts"].update(fact.id, {
                    "confidence": max(float(existing[1]), fact.confidence),
                    "created_at": fact.created_at})
            else:
                row = asdict(fact)
                row.pop("id")
                fact.id = int(self.db["memory_facts"].insert(row).last_pk)  # type: ignore[arg-type]
        return fact

    def delete_fact(self, fact_id: int) -> bool:
        """Delete a fact (and its vector); False when it does not exist."""
        with self.db.conn:
            self.db.execute("DELETE FROM fact_vectors WHERE fact_id = ?", [fact_id])
            cur = self.db.execute("DELETE FROM memory_facts WHERE id = ?", [fact_id])
        return cur.rowcount > 0

    def _visible(self, project_path: str | None) -> tuple[str, list[object]]:
        if project_path is None:
            return "scope = 'global'", []
        return "(scope = 'global' OR project_path = ?)", [project_path]

    def facts(self, *, project_path: str | None = None, all_projects: bool = False,
              category: str | None = None, limit: int = 200) -> list[Fact]:
        """Facts visible from a project (global ones plus that project's), newest first."""
        where, params = ("1=1", []) if all_projects else self._visible(project_path)
        if category:
            where += " AND category = ?"
            params.append(category)
        return self._select(f"WHERE {where} ORDER BY created_at DESC, id DESC LIMIT ?",
                            [*params, limit])

    def search(self, text: str, *, project_path: str | None, limit: int = 20,
               all_projects: bool = False) -> list[Fact]:
        """Keyword search (FTS5, best match first) among the facts visible from a project."""
        query = _fts_query(text)
        if not query:
            return []
        where, params = ("1=1", []) if all_projects else self._visible(project_path)
        return self._select(
            "WHERE id IN (SELECT rowid FROM memory_facts_fts WHERE memory_facts_fts MATCH ?) "
            f"AND {where} ORDER BY confidence DESC, created_at DESC LIMIT ?",
            [query, *params, limit],
        )

    def recent_confident(self, *, project_path: str | None, min_confidence: float = 0.8,
                         limit: int = 5) -> list[Fact]:
        """The most recent facts at or above ``min_confidence``."""
        where, params = self._visible(project_path)
        return self._select(
            f"WHERE {where} AND confidence >= ? ORDER BY created_at DESC, id DESC LIMIT ?",
            [*params, min_confidence, limit],
        )

    def _select(self, tail: str, params: list[object]) -> list[Fact]:
        rows = self.db.execute(
            "SELECT id, content, category, confidence, scope, project_path, source_task, "
            f"created_at FROM memory_facts {tail}", params).fetchall()
        return [Fact(id=r[0], content=r[1], category=r[2], confidence=r[3], scope=r[4],
                     project_path=r[5], source_task=r[6], created_at=r[7]) for r in rows]

    # -- vectors (semantic search) ------------------------------------------------------
    def set_vector(self, fact_id: int, model: str, vector: bytes) -> None:
        """Store a fact's embedding."""
        with self.db.conn:
            self.db.conn.execute(
                "INSERT OR REPLACE INTO fact_vectors (fact_id, model, vector) VALUES (?, ?, ?)",
                [fact_id, model, vector])

    def unindexed(self, model: str, *, project_path: str | None, limit: int = 200) -> list[Fact]:
        """Visible facts that have no vector from ``model`` yet."""
        where, params = self._visible(project_path)
        return self._select(
            f"WHERE {where} AND id NOT IN (SELECT fact_id FROM fact_vectors WHERE model = ?) "
            "ORDER BY created_at DESC LIMIT ?", [*params, model, limit])

    def vectors(self, model: str, *, project_path: str | None) -> list[tuple[Fact, bytes]]:
        """Visible facts with their vectors from ``model``."""
        where, params = self._visible(project_path)
        facts = {f.id: f for f in self._select(f"WHERE {where}", params)}
        if not facts:
            return []
        rows = self.db.execute(
            "SELECT fact_id, vector FROM fact_vectors WHERE model = ?", [model]).fetchall()
        return [(facts[i], v) for i, v in rows if i in facts]

    # -- task memory -------------------------------------------------------------------
    def add_task_memory(self, task_id: str, kind: str, content: str, upto_idx: int = -1) -> None:
        """Record per-task memory (e.g. a compaction summary covering messages ``<= upto_idx``)."""
        with self.db.conn:
            self.db["task_memory"].insert({"task_id": task_id, "kind": kind, "content": content,
                                           "upto_idx": upto_idx, "created_at": time.time()})

    def latest_task_memory(self, task_id: str, kind: str) -> TaskMemory | None:
        """The newest task memory of a kind."""
        row = self.db.execute(
            "SELECT task_id, kind, content, upto_idx, created_at FROM task_memory "
            "WHERE task_id = ? AND kind = ? ORDER BY id DESC LIMIT 1", [task_id, kind]).fetchone()
        return TaskMemory(*row) if row else None
