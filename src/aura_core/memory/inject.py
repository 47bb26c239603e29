"""What memory goes into a task's system prompt: three layers, each within a budget."""

from __future__ import annotations

from pathlib import Path

from aura_core.memory.files import list_memory_files
from aura_core.store.memory import Fact, MemoryStore

__all__ = ["FACT_BUDGET", "FILE_BUDGET", "memory_block"]

FILE_LIMIT = 15
FILE_BUDGET = 2000
FACT_BUDGET = 1500
RECENT_LIMIT = 5


def _fact_line(fact: Fact) -> str:
    return f"- [{fact.category}, {fact.confidence:.2f}] {fact.content}"


def _related(store: MemoryStore, message: str, project_key: str | None, semantic: bool
             ) -> list[Fact]:
    """Keyword matches first, then facts that are close in meaning (deduplicated)."""
    found = store.search(message, project_path=project_key, limit=30)
    if semantic:
        from aura_core.memory.semantic import semantic_search

        seen = {f.id for f in found}
        try:
            close = semantic_search(store, message, project_path=project_key)
        except Exception:  # noqa: BLE001 - retrieval is best effort; keywords still work
            close = []
        found += [f for f, _ in close if f.id not in seen]
    return found


def memory_block(store: MemoryStore, project: Path | None, message: str, *,
                 semantic: bool = True) -> str:
    """The memory section for a task in ``project`` starting with ``message``.

    Layers: (1) up to 15 memory files (user, then project) within ~2,000 characters;
    (2) facts matching the message's keywords (FTS5), then facts close in meaning (local
    embeddings, when installed), within ~1,500 characters; (3) the 5 most
    recent facts with confidence >= 0.8. Facts of other projects never appear.
    """
    project_key = str(project) if project else None
    sections: list[str] = []

    files = list_memory_files(project)[:FILE_LIMIT]
    file_lines: list[str] = []
    used = 0
    for mf in files:
        entry = f"### {mf.scope}: {mf.name}\n{mf.text.strip()}"
        if used + len(entry) > FILE_BUDGET:
            entry = entry[: max(0, FILE_BUDGET - used)]
            if len(entry) < 40:
                break
            entry += " …"
        file_lines.append(entry)
        used += len(entry)
    if file_lines:
        sections.append("Memory files:\n" + "\n".join(file_lines))

    shown: set[int] = set()
    matched: list[str] = []
    used = 0
    for fact in _related(store, message, project_key, semantic):
        line = _fact_line(fact)
        if used + len(line) > FACT_BUDGET:
            break
        matched.append(line)
        shown.add(fact.id or -1)
        used += len(line)
    recent = [f for f in store.recent_confident(project_path=project_key, limit=RECENT_LIMIT)
              if (f.id or -1) not in shown]
    facts = matched + [_fact_line(f) for f in recent]
    if facts:
        sections.append("Things learned in earlier tasks (follow corrections):\n" + "\n".join(facts))
    return "\n\n".join(sections)
