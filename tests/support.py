"""Helpers shared by tests (importable because pytest puts tests/ on sys.path)."""

from __future__ import annotations

import sys
from pathlib import Path

#: How tests run the CLI as a subprocess.
AURA = [sys.executable, "-m", "aura_cli"]


def database_before_task_keys(path: Path, *, bulk: int = 0) -> None:
    """A database as Aura left it before migration m009 (text task ids in every row).

    Tasks ``old-a`` and ``old-b`` have a few messages and events; ``bulk`` adds that many
    messages of 300 characters to a task ``old-c``.
    """
    import sqlite3

    from sqlite_utils import Database

    from aura_core.events import Event
    from aura_core.store import migrations

    db = Database(sqlite3.connect(path))
    every = migrations.MIGRATIONS
    migrations.MIGRATIONS = [m for m in every if m[0] < "m009"]
    try:
        migrations.migrate(db)
    finally:
        migrations.MIGRATIONS = every
    for task_id, created in (("old-a", 1.0), ("old-b", 2.0), ("old-c", 3.0)):
        db.execute("INSERT INTO tasks (id, title, status, mode, model, project_path, created_at) "
                   "VALUES (?, 't', 'completed', 'agent', 'scripted:x', '/p', ?)",
                   [task_id, created])
    rows = [("old-a", 0, "user", "hello", None), ("old-b", 0, "user", "other"),
            ("old-a", 1, "assistant", "", '[{"id": "c1", "name": "ls", "arguments": {}}]')]
    for task_id, idx, role, content, *calls in rows:
        db.execute("INSERT INTO task_messages (task_id, idx, role, content, tool_calls, "
                   "is_error, created_at) VALUES (?, ?, ?, ?, ?, 0, 0)",
                   [task_id, idx, role, content, calls[0] if calls else None])
    full = Event(type="status", task_id="old-b", seq=4, data={"status": "executing"})
    db.execute("INSERT INTO task_events (id, task_id, seq, type, ts, payload) "
               "VALUES (7, ?, ?, ?, ?, ?)",  # stored with the full envelope, as at first
               [full.task_id, full.seq, full.type, full.ts, full.to_json()])
    db.execute("INSERT INTO task_events (id, task_id, seq, type, ts, payload) "
               "VALUES (9, 'old-a', 0, 'text', 5.0, '{\"text\":\"hi\"}')")
    db.conn.executemany(
        "INSERT INTO task_messages (task_id, idx, role, content, is_error, created_at) "
        "VALUES ('old-c', ?, 'user', ?, 0, 0)", [(i, "x" * 300) for i in range(bulk)])
    db.conn.commit()
    db.close()
