"""Append-only schema migrations, recorded by name in the ``_migrations`` table."""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlite_utils import Database

__all__ = ["MIGRATIONS", "migrate", "migration"]

Migration = Callable[[Database], None]
MIGRATIONS: list[tuple[str, Migration]] = []


def migration(fn: Migration) -> Migration:
    """Register ``fn`` as the next migration. Never edit or reorder a shipped one."""
    MIGRATIONS.append((fn.__name__, fn))
    return fn


def migrate(db: Database) -> list[str]:
    """Apply every migration not yet recorded; return the names applied now."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at REAL)"
    )
    done = {row[0] for row in db.execute("SELECT name FROM _migrations").fetchall()}
    applied: list[str] = []
    for name, fn in MIGRATIONS:
        if name in done:
            continue
        # One explicit transaction: Python's sqlite3 would run DDL outside one (each CREATE
        # committed at once), so a migration failing half-way would be half applied.
        with db.atomic():
            fn(db)
            db.execute(
                "INSERT INTO _migrations (name, applied_at) VALUES (?, ?)", [name, time.time()]
            )
        applied.append(name)
    return applied


@migration
def m001_core(db: Database) -> None:
    db["settings"].create({"key": str, "value": str}, pk="key")
    db["projects"].create(
        {"id": str, "name": str, "path": str, "created_at": float}, pk="id"
    )
    db["projects"].create_index(["path"], unique=True)
    db["tasks"].create(
        {
            "id": str,
            "title": str,
            "status": str,
            "mode": str,
            "model": str,
            "project_path": str,
            "role": str,
            "parent_id": str,
            "agent": str,
            "max_steps": int,
            "budget": float,
            "reason": str,
            "error": str,
            "pid": int,
            "created_at": float,
            "updated_at": float,
            "finished_at": float,
        },
        pk="id",
    )
    db["tasks"].create_index(["status"])
    db["tasks"].create_index(["created_at"])
    db["task_messages"].create(
        {
            "id": int,
            "task_id": str,
            "idx": int,
            "role": str,
            "content": str,
            "tool_calls": str,
            "tool_call_id": str,
            "name": str,
            "thinking": str,
            "is_error": int,
            "created_at": float,
        },
        pk="id",
        foreign_keys=[("task_id", "tasks", "id")],
    )
    db["task_messages"].create_index(["task_id", "idx"], unique=True)
    db["task_events"].create(
        {"id": int, "task_id": str, "seq": int, "type": str, "ts": float, "payload": str},
        pk="id",
    )
    db["task_events"].create_index(["task_id", "seq"], unique=True)
    db["usage"].create(
        {
            "id": int,
            "task_id": str,
            "provider": str,
            "model": str,
            "input_tokens": int,
            "output_tokens": int,
            "cache_read_tokens": int,
            "cache_write_tokens": int,
            "cost": float,
            "latency_ms": float,
            "ttft_ms": float,
            "created_at": float,
        },
        pk="id",
    )
    db["usage"].create_index(["created_at"])
    db["usage"].create_index(["task_id"])


@migration
def m002_mcp(db: Database) -> None:
    db["mcp_servers"].create(
        {
            "name": str,
            "transport": str,
            "command": str,
            "args": str,
            "env": str,
            "cwd": str,
            "url": str,
            "headers": str,
            "oauth": str,
            "isolation": str,
            "enabled": int,
            "call_timeout": float,
            "last_error": str,
            "connected_at": float,
            "created_at": float,
            "updated_at": float,
        },
        pk="name",
    )
    db["mcp_tools"].create(
        {"server": str, "name": str, "description": str, "input_schema": str, "updated_at": float},
        pk=("server", "name"),
    )


@migration
def m004_memory(db: Database) -> None:
    db["memory_facts"].create(
        {
            "id": int,
            "content": str,
            "category": str,
            "confidence": float,
            "scope": str,
            "project_path": str,
            "source_task": str,
            "created_at": float,
        },
        pk="id",
    )
    db["memory_facts"].create_index(["scope", "project_path"])
    db["memory_facts"].enable_fts(["content"], create_triggers=True, tokenize="porter")
    db["task_memory"].create(
        {"id": int, "task_id": str, "kind": str, "content": str, "upto_idx": int,
         "created_at": float},
        pk="id",
    )
    db["task_memory"].create_index(["task_id", "kind"])


@migration
def m003_providers(db: Database) -> None:
    db["secrets"].create(
        {"name": str, "nonce": bytes, "ciphertext": bytes, "updated_at": float}, pk="name"
    )
    db["custom_providers"].create(
        {"name": str, "base_url": str, "wire": str, "auth": str, "created_at": float}, pk="name"
    )
    db["price_overrides"].create(
        {
            "provider": str,
            "model": str,
            "input": float,
            "output": float,
            "cache_read": float,
            "cache_write": float,
            "updated_at": float,
        },
        pk=("provider", "model"),
    )
    db["spend_limits"].create(
        {"provider": str, "monthly_usd": float, "alert_ratio": float, "alerted_month": str},
        pk="provider",
    )
    db["provider_health"].create(
        {
            "provider": str,
            "state": str,
            "failures": int,
            "opened_at": float,
            "last_error": str,
            "last_success": float,
            "updated_at": float,
        },
        pk="provider",
    )
    db["routing_decisions"].create(
        {
            "id": int,
            "task_id": str,
            "kind": str,
            "tier": str,
            "score": float,
            "model": str,
            "source": str,
            "reason": str,
            "created_at": float,
        },
        pk="id",
    )
    db["routing_decisions"].create_index(["task_id"])
    db["routing_decisions"].create_index(["created_at"])
    db["usage"].create_index(["provider", "created_at"])


@migration
def m005_task_tools(db: Database) -> None:
    db["tasks"].add_column("tools", str)


@migration
def m006_fact_vectors(db: Database) -> None:
    db["fact_vectors"].create(
        {"fact_id": int, "model": str, "vector": bytes}, pk="fact_id",
        foreign_keys=[("fact_id", "memory_facts", "id")],
    )


@migration
def m007_lean_usage_indexes(db: Database) -> None:
    # Every model call writes a usage row; each index is one more page per commit. Date-range
    # summaries scan the (small) table or use (provider, created_at); task totals use task_id.
    db.execute("DROP INDEX IF EXISTS idx_usage_created_at")


@migration
def m008_usage_event_seq(db: Database) -> None:
    # A task's usage rows are committed in batches; each names the `usage` event it copies,
    # so rows lost to a crash can be rebuilt from the events (see UsageStore.restore).
    db["usage"].add_column("event_seq", int)


@migration
def m009_task_keys(db: Database) -> None:
    # Every step commits messages and events. A secondary index on a text task id is one
    # more b-tree (and page) per commit, so each task gets a small integer key: a message's
    # rowid is `key << 32 | idx` (one b-tree, no index), and events name their task by key.
    # Events keep their rowid: it is the global stream's position.
    db.execute("CREATE TABLE task_keys (num INTEGER PRIMARY KEY AUTOINCREMENT, "
               "task_id TEXT NOT NULL UNIQUE)")
    db.execute("INSERT INTO task_keys (task_id) SELECT id FROM tasks ORDER BY created_at, rowid")
    db.execute(
        "CREATE TABLE task_messages_v2 (id INTEGER PRIMARY KEY, role TEXT, content TEXT, "
        "tool_calls TEXT, tool_call_id TEXT, name TEXT, thinking TEXT, is_error INTEGER, "
        "created_at FLOAT)"
    )
    db.execute(
        "INSERT INTO task_messages_v2 SELECT (k.num << 32) | m.idx, m.role, m.content, "
        "m.tool_calls, m.tool_call_id, m.name, m.thinking, m.is_error, m.created_at "
        "FROM task_messages m JOIN task_keys k ON k.task_id = m.task_id"
    )
    db.execute("DROP TABLE task_messages")
    db.execute("ALTER TABLE task_messages_v2 RENAME TO task_messages")
    db.execute(
        "CREATE TABLE task_events_v2 (id INTEGER PRIMARY KEY, task_num INTEGER NOT NULL, "
        "seq INTEGER NOT NULL, type TEXT, ts FLOAT, payload TEXT)"
    )
    db.execute(
        "INSERT INTO task_events_v2 SELECT e.id, k.num, e.seq, e.type, e.ts, e.payload "
        "FROM task_events e JOIN task_keys k ON k.task_id = e.task_id"
    )
    db.execute("DROP TABLE task_events")
    db.execute("ALTER TABLE task_events_v2 RENAME TO task_events")
    db.execute("CREATE UNIQUE INDEX idx_task_events_task_num_seq ON task_events (task_num, seq)")
