"""Open the SQLite database (WAL, pragmas, migrations) and hand out the table-group stores."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Literal

from sqlite_utils import Database

from aura_core import paths
from aura_core.errors import ConfigError, UsageError
from aura_core.store.mcp import McpStore
from aura_core.store.memory import MemoryStore
from aura_core.store.migrations import migrate
from aura_core.store.projects import ProjectStore
from aura_core.store.providers import ProviderStore
from aura_core.store.tasks import TaskStore
from aura_core.store.usage import UsageStore

__all__ = ["Store", "open_store"]

Synchronous = Literal["OFF", "NORMAL", "FULL"]
#: Page size of new databases. Every commit rewrites whole pages into the WAL, and a turn
#: touches about six (table and index leaves, page 1 when the file grows), so 1 KiB pages
#: write a quarter of the bytes 4 KiB pages do (see docs/benchmarks.md, "Persistence").
PAGE_SIZE = 1024
#: WAL pages between automatic checkpoints (16 MiB of WAL). Each checkpoint copies the pages
#: into the database and syncs both files (~5 ms); a step rewrites the same few pages, so a
#: longer interval copies each of them once for more steps, and syncs less often.
CHECKPOINT_PAGES = 16_000


class _LazyCipher:
    """Imports the cryptography stack only when a secret is actually sealed or opened."""

    def __init__(self) -> None:
        self._real: object | None = None

    def _cipher(self):  # type: ignore[no-untyped-def]
        if self._real is None:
            from aura_core.secrets import SecretCipher

            self._real = SecretCipher()
        return self._real

    def encrypt(self, plaintext: str) -> str:
        """Seal a value with the master key."""
        return self._cipher().encrypt(plaintext)  # type: ignore[no-any-return]

    def decrypt(self, ciphertext: str) -> str:
        """Open a sealed value."""
        return self._cipher().decrypt(ciphertext)  # type: ignore[no-any-return]


class Store:
    """The database and its table groups.

    Attributes:
        path: the database file.
        tasks: tasks, their messages and events.
        usage: per-call token usage and cost.
        memory: learned facts and per-task memory (compaction state).
        providers: secrets (ciphertext), custom providers, prices, limits, health, routing.
    """

    def __init__(self, db: Database, path: Path) -> None:
        self.db = db
        self.path = path
        self.tasks = TaskStore(db)
        self.usage = UsageStore(db, self.tasks)
        self.memory = MemoryStore(db)
        self.mcp = McpStore(db, cipher=_LazyCipher())
        self.projects = ProjectStore(db)
        self.providers = ProviderStore(db, self.tasks.flush_events)

    def stats(self) -> dict[str, int]:
        """Row counts of the main tables, the database size, page size and free bytes (doctor)."""
        out = {name: self.db[name].count for name in ("tasks", "task_messages", "task_events", "usage")}
        return {**out, **self._size()}

    def _size(self) -> dict[str, int]:
        """Page size, the database's size and its free bytes (pages still in the WAL count)."""
        page = int(self.db.execute("PRAGMA page_size").fetchone()[0])
        return {"page_size": page,
                "bytes": int(self.db.execute("PRAGMA page_count").fetchone()[0]) * page,
                "free_bytes": int(self.db.execute("PRAGMA freelist_count").fetchone()[0]) * page}

    def needs_vacuum(self, stats: dict[str, int]) -> bool:
        """Whether :meth:`vacuum` would help: old page size, or over a quarter of it free."""
        return stats["page_size"] != PAGE_SIZE or stats["free_bytes"] * 4 > stats["bytes"] > 0

    def vacuum(self) -> dict[str, int]:
        """Rewrite the file: free pages dropped, :data:`PAGE_SIZE` pages (older files use 4 KiB).

        Changing the page size needs the rollback journal for a moment, which SQLite allows only
        while no other connection has the file open.

        Returns:
            ``bytes`` and ``page_size`` before and after (``*_before`` / ``*_after``).

        Raises:
            UsageError: another process (``aura serve``, the TUI, a running task) has it open.
        """
        before = self._size()
        self.tasks.flush_events()
        conn = self.db.conn
        conn.execute("PRAGMA busy_timeout=0")
        try:
            try:
                mode = conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
            except sqlite3.OperationalError:
                mode = "wal"
            if mode != "delete":
                raise UsageError("another Aura process has the database open (aura serve, the "
                                 "TUI or a running task); close it and try again")
            try:
                conn.execute(f"PRAGMA page_size={PAGE_SIZE}")
                conn.execute("VACUUM")
            finally:
                conn.execute("PRAGMA journal_mode=WAL")
        finally:
            conn.execute("PRAGMA busy_timeout=30000")
        after = self._size()
        return {"bytes_before": before["bytes"], "bytes_after": after["bytes"],
                "page_size_before": before["page_size"], "page_size_after": after["page_size"]}

    def recover_orphans(self) -> list[str]:
        """Mark tasks whose process died as ``interrupted`` and rebuild their lost usage rows.

        Returns:
            The ids of the tasks marked now.
        """
        orphans = self.tasks.recover_orphans()
        for task_id in orphans:
            self.usage.restore(task_id)
        return orphans

    def integrity_ok(self) -> bool:
        """Run ``PRAGMA integrity_check``."""
        row = self.db.execute("PRAGMA integrity_check").fetchone()
        return bool(row and row[0] == "ok")

    def get_setting(self, key: str) -> str | None:
        """A raw value from the settings table."""
        row = self.db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return row[0] if row else None

    def set_setting(self, key: str, value: str) -> None:
        """Store a raw value in the settings table."""
        with self.db.conn:
            self.db["settings"].upsert({"key": key, "value": value}, pk="key")

    def close(self) -> None:
        """Commit buffered events and rows, then close the connection."""
        try:
            self.tasks.flush_events()
        finally:
            self.db.close()


def _migrate_locked(db: Database, target: Path) -> None:
    """Apply migrations while holding a lock file, so two processes never race on them."""
    if str(target) == ":memory:":
        migrate(db)
        return
    import fcntl

    with open(f"{target}.migrate-lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            migrate(db)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def open_store(path: Path | None = None, *, synchronous: Synchronous = "NORMAL") -> Store:
    """Open (creating if needed) the database at ``path`` and apply pending migrations.

    Args:
        path: database file; defaults to :func:`aura_core.paths.db_path`.
        synchronous: SQLite's ``synchronous`` pragma; ``FULL`` survives power loss.

    Raises:
        ConfigError: the file cannot be opened or is not a database.
    """
    target = path or paths.db_path()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(target), check_same_thread=False, timeout=30)
        # Set before the first table exists (a no-op on an existing file): small pages keep
        # the WAL bytes each commit writes, and so the bytes each checkpoint syncs, low.
        conn.execute(f"PRAGMA page_size={PAGE_SIZE}")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(f"PRAGMA synchronous={synchronous}")
        conn.execute(f"PRAGMA wal_autocheckpoint={CHECKPOINT_PAGES}")
        conn.execute(f"PRAGMA journal_size_limit={2 * CHECKPOINT_PAGES * PAGE_SIZE}")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=30000")
        db = Database(conn)
        try:
            _migrate_locked(db, target)
        except BaseException:
            conn.close()
            raise
    except (sqlite3.DatabaseError, OSError) as exc:
        raise ConfigError(f"cannot open the database {target}: {exc}") from exc
    return Store(db, target)
