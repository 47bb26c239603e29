"""The database file: page size and checkpoint settings, transcripts and events read back exactly
(also from databases written by older versions)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from aura_core.errors import NotFoundError, UsageError
from aura_core.events import Event, result_preview
from aura_core.messages import Message
from aura_core.store import open_store
from aura_core.store.db import CHECKPOINT_PAGES, PAGE_SIZE
from aura_core.tasks import TaskRecord
from support import database_before_task_keys


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


def _task(store, task_id: str) -> None:  # type: ignore[no-untyped-def]
    store.tasks.create(TaskRecord(id=task_id, title="t", status="pending", mode="agent",
                                  model="scripted:x", project_path="/p"))


def test_events_round_trip_with_their_envelope(tmp_path: Path) -> None:
    store = open_store(tmp_path / "aura.db")
    _task(store, "t1")
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
    # the stored JSON does not repeat the columns, so rows stay small
    payload = store.db.execute("SELECT payload FROM task_events WHERE seq = 1").fetchone()[0]
    assert '"task_id"' not in payload and '"parent_id":"p9"' in payload
    store.close()


def test_a_tool_result_event_does_not_store_the_result_twice(tmp_path: Path) -> None:
    store = open_store(tmp_path / "aura.db")
    _task(store, "t1")
    long = "line of output\n" * 1000  # 15,000 characters: the event shows the first 4,000
    sent: list[Event] = []
    published: list[Event] = []
    store.tasks.on_flush = lambda written: published.extend(e for _, e in written)
    for call_id, content in (("c1", "short result"), ("c2", long)):
        store.tasks.add_message("t1", Message(role="tool", content=content, tool_call_id=call_id))
        event = Event(type="tool_result", task_id="t1", seq=len(sent), data={
            "id": call_id, "name": "read_file", "content": result_preview(content),
            "is_error": False, "duration_ms": 1.0})
        store.tasks.add_event(event)
        sent.append(event)
    store.tasks.flush_events()
    assert published == sent  # subscribers get the events as sent
    assert sent[1].data["content"].endswith("[... 15000 characters]")
    stored = [r[0] for r in store.db.execute("SELECT payload FROM task_events ORDER BY seq")]
    assert all("line of output" not in p and "short result" not in p for p in stored)
    assert store.tasks.events("t1") == sent
    assert [e for _, e in store.tasks.global_events()] == sent
    # a preview that is not the transcript's (another writer, another cap) is kept as sent
    odd = Event(type="tool_result", task_id="t1", seq=2, data={"id": "c3", "content": "x"})
    store.tasks.add_message("t1", Message(role="tool", content="y", tool_call_id="c3"))
    store.tasks.add_event(odd)
    store.tasks.flush_events()
    assert store.tasks.events("t1", after_seq=1) == [odd]
    store.close()


def test_each_task_keeps_its_own_transcript_and_events(tmp_path: Path) -> None:
    store = open_store(tmp_path / "aura.db")
    for task_id in ("a1", "b2"):
        _task(store, task_id)
    for i in range(3):  # interleaved, as concurrent tasks write
        assert store.tasks.add_message("a1", Message(role="user", content=f"a{i}")) == i
        assert store.tasks.add_message("b2", Message(role="user", content=f"b{i}")) == i
        store.tasks.add_event(Event(type="text", task_id="b2", seq=i, data={"text": f"b{i}"}))
        store.tasks.add_event(Event(type="text", task_id="a1", seq=i, data={"text": f"a{i}"}))
    store.tasks.flush_events()
    assert [m.content for m in store.tasks.messages("a1")] == ["a0", "a1", "a2"]
    assert store.tasks.message_count("b2") == 3
    assert [e.data["text"] for e in store.tasks.events("b2", after_seq=0)] == ["b1", "b2"]
    assert store.tasks.last_seq("a1") == 2
    # the global stream keeps the order events were committed in, across tasks
    assert [e.data["text"] for _, e in store.tasks.global_events()] == [
        "b0", "a0", "b1", "a1", "b2", "a2"]
    assert store.tasks.delete("a1")
    assert store.tasks.messages("a1") == [] and store.tasks.events("a1") == []
    assert [m.content for m in store.tasks.messages("b2")] == ["b0", "b1", "b2"]
    _task(store, "c3")  # a new task never inherits a deleted task's rows
    assert store.tasks.messages("c3") == [] and store.tasks.last_seq("c3") == -1
    store.close()


def test_rows_of_a_deleted_task_never_block_the_others(tmp_path: Path) -> None:
    path = tmp_path / "aura.db"
    mine, other = open_store(path), open_store(path)
    for task_id in ("keep", "gone"):
        _task(other, task_id)
    mine.tasks.add_event(Event(type="text", task_id="gone", seq=0, data={"text": "late"}))
    mine.tasks.add_event(Event(type="text", task_id="keep", seq=0, data={"text": "kept"}))
    assert other.tasks.delete("gone")  # another process deletes it meanwhile
    with pytest.raises(NotFoundError):
        mine.tasks.add_message("gone", Message(role="user", content="x"))
    # the failed write wrote nothing and lost nothing buffered; the flush drops only "gone"
    assert [e.task_id for _, e in mine.tasks.flush_events()] == ["keep"]
    assert [e.data["text"] for e in other.tasks.events("keep")] == ["kept"]
    assert mine.tasks.add_message("keep", Message(role="user", content="on")) == 0
    mine.close()
    other.close()


def test_older_databases_keep_every_message_and_event_position(tmp_path: Path) -> None:
    path = tmp_path / "aura.db"
    database_before_task_keys(path)
    store = open_store(path)
    a = store.tasks.messages("old-a")
    assert [(m.role, m.content) for m in a] == [("user", "hello"), ("assistant", "")]
    assert a[1].tool_calls[0].name == "ls"
    assert [m.content for m in store.tasks.messages("old-b")] == ["other"]
    assert [(p, e.task_id, e.seq) for p, e in store.tasks.global_events()] == [
        (7, "old-b", 4), (9, "old-a", 0)]
    assert store.tasks.events("old-b")[0].data == {"status": "executing"}
    # new writes continue each transcript and the global positions
    assert store.tasks.add_message("old-a", Message(role="user", content="again")) == 2
    store.tasks.add_event(Event(type="text", task_id="old-a", seq=1, data={"text": "x"}))
    assert store.tasks.flush_events()[0][0] == 10
    assert store.integrity_ok()
    store.close()


def test_a_migration_that_fails_half_way_changes_nothing(tmp_path: Path) -> None:
    from aura_core.store import migrations

    path = tmp_path / "aura.db"
    database_before_task_keys(path)

    def broken(db) -> None:  # type: ignore[no-untyped-def]
        migrations.m009_task_keys(db)
        raise RuntimeError("disk full")

    every = migrations.MIGRATIONS
    migrations.MIGRATIONS = [(n, broken if n.startswith("m009") else fn) for n, fn in every]
    try:
        with pytest.raises(RuntimeError, match="disk full"):
            open_store(path)
    finally:
        migrations.MIGRATIONS = every
    db = sqlite3.connect(path)
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "task_keys" not in tables
    kept = db.execute("SELECT COUNT(*) FROM task_messages WHERE task_id = 'old-a'").fetchone()
    assert kept == (2,)
    db.close()
    store = open_store(path)  # the real upgrade still works afterwards
    assert [m.content for m in store.tasks.messages("old-a")] == ["hello", ""]
    store.close()


def test_vacuum_shrinks_an_upgraded_file_and_gives_it_small_pages(tmp_path: Path) -> None:
    path = tmp_path / "aura.db"
    database_before_task_keys(path, bulk=4000)
    store = open_store(path)  # the upgrade copies the tables and leaves the old pages free
    stats = store.stats()
    assert stats["page_size"] == 4096 and stats["free_bytes"] > 1_000_000
    assert store.needs_vacuum(stats)
    result = store.vacuum()
    assert result["page_size_before"] == 4096 and result["page_size_after"] == PAGE_SIZE
    assert result["bytes_after"] < result["bytes_before"] / 2
    after = store.stats()
    assert after["free_bytes"] == 0 and not store.needs_vacuum(after)
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert [m.content for m in store.tasks.messages("old-a")] == ["hello", ""]
    assert store.tasks.message_count("old-c") == 4000
    assert store.integrity_ok()
    store.close()


def test_vacuum_refuses_while_another_process_has_the_file_open(tmp_path: Path) -> None:
    path = tmp_path / "aura.db"
    database_before_task_keys(path)
    store, other = open_store(path), open_store(path)
    other.tasks.messages("old-a")  # a reader, as `aura serve` or the TUI would be
    with pytest.raises(UsageError, match="another Aura process"):
        store.vacuum()
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.tasks.add_message("old-a", Message(role="user", content="still works")) == 2
    assert [m.content for m in other.tasks.messages("old-a")][-1] == "still works"
    other.close()
    store.close()



def test_a_task_and_its_key_are_created_in_one_transaction(tmp_path: Path) -> None:
    store = open_store(tmp_path / "aura.db")
    commits: list[str] = []
    store.db.conn.set_trace_callback(lambda sql: commits.append(sql) if sql == "COMMIT" else None)
    _task(store, "t1")
    assert commits == ["COMMIT"]
    store.close()
