"""SQLite persistence: the only package that speaks SQL."""

import sys


def _import_sqlite_utils_without_numpy() -> None:
    """Import sqlite-utils without its optional numpy/pandas type mapping.

    sqlite-utils imports numpy (and pandas) eagerly when they are installed, only to map their
    scalar types to SQL types. Aura never stores numpy values, and the import costs every
    command ~80 ms and the server ~14 MB, so hide them for the duration of that one import.
    """
    if "sqlite_utils" in sys.modules:
        return
    hidden = [name for name in ("numpy", "pandas") if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # makes `import name` fail
    try:
        import sqlite_utils  # noqa: F401
    finally:
        for name in hidden:
            sys.modules.pop(name, None)


_import_sqlite_utils_without_numpy()

from aura_core.store.db import Store, open_store  # noqa: E402

__all__ = ["Store", "open_store"]
