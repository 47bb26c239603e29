"""The database file: page size and checkpoint settings, and events read back exactly."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from aura_core.events import Event
from aura_core.store import open_store
from aura_core.store.db import CHECKPOINT_PAGES, PAGE_SIZE


def test_a_new_database_uses_small_pages_and_wal(tmp_path: Path) -> None:
    store = open_store(tmp_path / "aura.db")
    conn = store.db.conn
    assert conn.execute("PRAGMA page_size").fetchone()[0] == PAGE_SIZE == 1024
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == CHECKPOINT_PAGES
    store.close()


def test_an_existing_database_keeps_its_page_size_and_data(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = sqlite3.connect(path)
    old.execute("PRAGMA page_size=4096")
    old.execute("CREATE TABLE keep (v TEXT)")
    old.execute("INSERT INTO keep VALUES ('still here')")
    old.commit()
    old.close()
    store = open_store(path)
    assert store.db.conn.execute("PRAGMA page_size").fetchone()[0] == 4096
    assert store.db.execute("SELECT v FROM keep").fetchone()[0] == "still here"
    store.close()


def test_events_round_trip_with_their_envelope(tmp_path: Path) -> None:
    store = open_store(tmp_path / "aura.db")
    sent = [
        Event(type="text", task_id="t1", seq=0, data={"text": "héllo"}),
        Event(
            type="tool_use",
            task_id="t1",
            seq=1,
            data={"id": "c1", "name": "bash", "arguments": {"cmd": "ls"}},
            parent_id="p9",
            agent="coder",
        ),
    ]
    for event in sent:
        store.tasks.add_event(event)
    positions = store.tasks.flush_events()
    assert [e for _, e in positions] == sent
    assert store.tasks.events("t1") == sent
    assert [e for _, e in store.tasks.global_events()] == sent
    # the stored JSON no longer repeats the columns, so rows stay small
    payload = store.db.execute("SELECT payload FROM task_events WHERE seq = 1").fetchone()[0]
    assert '"task_id"' not in payload and '"parent_id":"p9"' in payload
    store.close()


def test_events_stored_with_the_full_envelope_still_read(tmp_path: Path) -> None:
    store = open_store(tmp_path / "aura.db")
    old = Event(type="status", task_id="t2", seq=4, data={"status": "executing"})
    store.db.execute(
        "INSERT INTO task_events (task_id, seq, type, ts, payload) VALUES (?, ?, ?, ?, ?)",
        [old.task_id, old.seq, old.type, old.ts, old.to_json()],
    )
    store.db.conn.commit()
    assert store.tasks.events("t2") == [old]
    store.close()

