"""Where Aura keeps its database, user files and model cache; ``AURA_HOME`` moves them all."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["config_path", "data_dir", "db_path", "models_dir", "user_dir"]


def _aura_home() -> Path | None:
    raw = os.environ.get("AURA_HOME")
    return Path(raw).expanduser() if raw else None


def data_dir() -> Path:
    """Directory of the SQLite database (``$XDG_DATA_HOME/aura-workshop`` by default)."""
    home = _aura_home()
    if home is not None:
        return home / "data"
    xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(xdg) / "aura-workshop"


def db_path() -> Path:
    """The SQLite database file."""
    return data_dir() / "aura-workshop.db"


def user_dir() -> Path:
    """User files: config.json, memory, roles (``~/.aura`` by default)."""
    home = _aura_home()
    return home / "user" if home is not None else Path.home() / ".aura"


def config_path() -> Path:
    """The user's ``config.json``."""
    return user_dir() / "config.json"


def models_dir() -> Path:
    """Aura's GGUF model cache (``~/.cache/aura-inference/models`` by default)."""
    home = _aura_home()
    if home is not None:
        return home / "models"
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg) / "aura-inference" / "models"
