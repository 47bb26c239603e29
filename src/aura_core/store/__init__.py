"""SQLite persistence: the only package that speaks SQL."""

from aura_core.store.db import Store, open_store

__all__ = ["Store", "open_store"]
