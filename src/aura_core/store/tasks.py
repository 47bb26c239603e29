"""Tasks, their transcripts and their events."""

from __future__ import annotations

import os
import time
from collections.abc import Callable

from sqlite_utils import Database

from aura_core.errors import NotFoundError
from aura_core.events import Event
from aura_core.messages import Message
from aura_core.store.task_rows import (
    EVENT_COLUMNS,
    INDEX_MASK,
    MESSAGE_COLUMNS,
    decode_event,
    decode_message,
    encode_event,
    encode_message,
    message_rowid,
    transcript_range,
)
from aura_core.tasks import TASK_STATUSES, TaskRecord, TaskStatus

__all__ = ["TaskRecord", "TaskStatus", "TaskStore", "TASK_STATUSES"]

def _pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class TaskStore:
    """Reads and writes tasks, messages and events. Every write commits at once."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._pending: list[Event] = []
        self._pending_rows: list[tuple[str, dict[str, object]]] = []
        self._pending_messages: list[tuple[str, Message]] = []
        #: Called with ``(position, event)`` pairs after buffered events are committed.
        self.on_flush: Callable[[list[tuple[int, Event]]], None] | None = None
        #: Task id -> its integer key (``task_keys``); both never change once assigned.
        self._nums: dict[str, int] = {}
        #: (task id, tool call id) -> (index, content) of tool messages written whose
        #: ``tool_result`` event is not written yet (see :func:`~aura_core.store.task_rows.encode_event`).
        self._results: dict[tuple[str, str], tuple[int, str]] = {}

    def _num(self, task_id: str) -> int | None:
        """The task's integer key, or None when the task does not exist."""
        num = self._nums.get(task_id)
        if num is None:
            row = self.db.execute(
                "SELECT num FROM task_keys WHERE task_id = ?", [task_id]).fetchone()
            if row is None:
                return None
            num = self._nums[task_id] = int(row[0])
        return num

    def _existing_num(self, task_id: str) -> int:
        num = self._num(task_id)
        if num is None:
            raise NotFoundError(f"no task {task_id}")
        return num

    # -- tasks ---------------------------------------------------------------------------
    def create(self, record: TaskRecord) -> TaskRecord:
        """Insert a new task."""
        now = time.time()
        record.created_at = record.created_at or now
        record.updated_at = now
        with self.db.atomic():  # one transaction: a task never exists without its key
            self.db["tasks"].insert(record.to_dict())
            cur = self.db.conn.execute("INSERT INTO task_keys (task_id) VALUES (?)", [record.id])
        self._nums[record.id] = int(cur.lastrowid or 0)
        return record

    def get(self, task_id: str) -> TaskRecord | None:
        """A task by id, or by a unique id prefix of at least 4 characters."""
        row = self.db.execute("SELECT * FROM tasks WHERE id = ?", [task_id]).fetchone()
        if row is None and len(task_id) >= 4:
            rows = self.db.execute(
                "SELECT * FROM tasks WHERE id LIKE ? LIMIT 2", [task_id + "%"]
            ).fetchall()
            row = rows[0] if len(rows) == 1 else None
        if row is None:
            return None
        cols = [d[0] for d in self.db.execute("SELECT * FROM tasks LIMIT 0").description]
        return TaskRecord(**dict(zip(cols, row, strict=True)))

    def list(
        self,
        *,
        status: TaskStatus | None = None,
        project_path: str | None = None,
        limit: int = 50,
        offset: int = 0,
        top_level: bool = True,
    ) -> list[TaskRecord]:
        """Tasks, newest first."""
        where: list[str] = []
        params: list[object] = []
        if status:
            where.append("status = ?")
            params.append(status)
        if project_path:
            where.append("project_path = ?")
            params.append(project_path)
        if top_level:
            where.append("parent_id IS NULL")
        sql = "SELECT * FROM tasks"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?"
        cur = self.db.execute(sql, [*params, limit, offset])
        cols = [d[0] for d in cur.description]
        return [TaskRecord(**dict(zip(cols, row, strict=True))) for row in cur.fetchall()]

    def update(self, task_id: str, **fields: object) -> None:
        """Update some columns of a task (``updated_at`` is set for you)."""
        fields["updated_at"] = time.time()
        with self.db.conn:
            self.db["tasks"].update(task_id, fields)

    def set_status(
        self, task_id: str, status: TaskStatus, *, reason: str | None = None,
        error: str | None = None,
    ) -> None:
        """Move a task to ``status``; terminal states record ``finished_at``."""
        fields: dict[str, object] = {"status": status, "reason": reason, "error": error}
        if status in ("completed", "failed", "interrupted"):
            fields["finished_at"] = time.time()
        if status == "executing":
            fields["pid"] = os.getpid()
            fields["finished_at"] = None
        self.update(task_id, **fields)

    def delete(self, task_id: str) -> bool:
        """Delete a task with its messages, events and child tasks; False when absent."""
        if self.get(task_id) is None:
            return False
        children = [r[0] for r in self.db.execute(
            "SELECT id FROM tasks WHERE parent_id = ?", [task_id]).fetchall()]
        for child in children:
            self.delete(child)
        self.flush_events()  # nothing buffered for the task may be written after it is gone
        num = self._num(task_id)
        with self.db.conn:
            if num is not None:
                self.db.execute("DELETE FROM task_messages WHERE id BETWEEN ? AND ?",
                                transcript_range(num))
                self.db.execute("DELETE FROM task_events WHERE task_num = ?", [num])
                self.db.execute("DELETE FROM task_keys WHERE num = ?", [num])
            self.db.execute("DELETE FROM tasks WHERE id = ?", [task_id])
        self._nums.pop(task_id, None)
        return True

    def recover_orphans(self) -> list[str]:
        """Mark ``executing`` tasks whose process is gone as ``interrupted``.

        A process killed with SIGKILL cannot update its task; whoever opens the store next
        notices that the owning pid is dead.
        """
        rows = self.db.execute(
            "SELECT id, pid FROM tasks WHERE status IN ('executing', 'pending')"
        ).fetchall()
        orphans = [tid for tid, pid in rows if pid != os.getpid() and not _pid_alive(pid)]
        for tid in orphans:
            self.set_status(tid, "interrupted", reason="process_died")
        return orphans

    # -- messages ------------------------------------------------------------------------
    def add_message(self, task_id: str, message: Message) -> int:
        """Append a message to the transcript and commit (with any buffered events); return its index.

        One transaction, plain SQL: the transcript write is on every step's path.

        Raises:
            NotFoundError: no such task (nothing is written).
        """
        span = transcript_range(self._existing_num(task_id))
        with self.db.conn:
            written = self._write_pending(rows=False)
            idx = self._insert_message(task_id, span, message)
        self._committed(rows=False)
        self._notify(written)
        return idx

    def add_message_later(self, task_id: str, message: Message) -> None:
        """Buffer a message to be committed, in order, with the next write of this store.

        For a step whose tool calls are all read-only: losing it in a crash only means the
        model is asked again, so it rides along with the first tool result's commit.
        """
        self._pending_messages.append((task_id, message))

    def _insert_message(self, task_id: str, span: tuple[int, int], message: Message) -> int:
        first, last = span
        cur = self.db.conn.execute(
            f"INSERT INTO task_messages (id, {MESSAGE_COLUMNS}, created_at) VALUES ("
            "COALESCE((SELECT id FROM task_messages WHERE id BETWEEN ? AND ? "
            "ORDER BY id DESC LIMIT 1) + 1, ?), ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            [first, last, first, *encode_message(message)],
        )
        idx = int(cur.fetchone()[0]) & INDEX_MASK
        if message.role == "tool" and message.tool_call_id:
            self._results[(task_id, message.tool_call_id)] = (idx, message.content)
        return idx

    def messages(self, task_id: str) -> list[Message]:
        """The task's transcript in order."""
        self.flush_events()
        num = self._num(task_id)
        if num is None:
            return []
        rows = self.db.execute(
            f"SELECT {MESSAGE_COLUMNS} FROM task_messages WHERE id BETWEEN ? AND ? ORDER BY id",
            transcript_range(num),
        ).fetchall()
        return [decode_message(*row) for row in rows]

    def message_count(self, task_id: str) -> int:
        """Number of messages in the transcript."""
        self.flush_events()
        num = self._num(task_id)
        if num is None:
            return 0
        return int(self.db.execute(
            "SELECT COUNT(*) FROM task_messages WHERE id BETWEEN ? AND ?",
            transcript_range(num)).fetchone()[0])

    # -- events --------------------------------------------------------------------------
    def last_seq(self, task_id: str) -> int:
        """The highest event ``seq`` of a task, -1 when it has none."""
        self.flush_events()
        row = self.db.execute(
            "SELECT COALESCE(MAX(seq), -1) FROM task_events WHERE task_num = ?",
            [self._num(task_id)],
        ).fetchone()
        return int(row[0])

    def add_event(self, event: Event) -> None:
        """Buffer an event; it is committed with the next message or :meth:`flush_events`.

        Events ride along with the transcript's own commits, so a step costs one disk write
        instead of one per event, and the stored events never run ahead of the transcript.
        """
        self._pending.append(event)

    def add_row_later(self, table: str, row: dict[str, object]) -> None:
        """Buffer a row (e.g. a usage record) for the next :meth:`flush_events`.

        Transcript writes leave such rows for the batch: each one would add its table's and
        indexes' pages to the commit on every step's path.
        """
        self._pending_rows.append((table, row))

    def pending_events(self) -> int:
        """How many events wait to be committed."""
        return len(self._pending)

    def flush_events(self) -> list[tuple[int, Event]]:
        """Commit buffered events, rows and messages now; returns the events with positions."""
        if not self._pending and not self._pending_rows and not self._pending_messages:
            return []
        with self.db.conn:
            written = self._write_pending()
        self._committed()
        self._notify(written)
        return written

    def _write_pending(self, *, rows: bool = True) -> list[tuple[int, Event]]:
        """Write buffered messages and events (and, with ``rows``, buffered rows).

        The buffers are emptied only once the transaction commits (:meth:`_committed`), so a
        failed commit is retried by the next write. Rows of a task deleted meanwhile (perhaps
        by another process) are dropped: one of them must not block every other task's.
        """
        for task_id, message in self._pending_messages:
            if (num := self._num(task_id)) is not None:
                self._insert_message(task_id, transcript_range(num), message)
        if rows:
            for table, row in self._pending_rows:
                columns = ", ".join(f'"{c}"' for c in row)
                marks = ", ".join("?" for _ in row)
                self.db.conn.execute(f'INSERT INTO "{table}" ({columns}) VALUES ({marks})',
                                     list(row.values()))
        written: list[tuple[int, Event]] = []
        for event in self._pending:
            if (num := self._num(event.task_id)) is None:
                continue
            result = (self._results.pop((event.task_id, str(event.data.get("id"))), None)
                      if event.type == "tool_result" else None)
            cur = self.db.conn.execute(
                "INSERT INTO task_events (task_num, seq, type, ts, payload) "
                "VALUES (?, ?, ?, ?, ?)",
                [num, event.seq, event.type, event.ts, encode_event(event, result)],
            )
            written.append((int(cur.lastrowid or 0), event))
            if event.type == "done":  # results no event will show any more
                for key in [k for k in self._results if k[0] == event.task_id]:
                    del self._results[key]
        return written

    def _committed(self, *, rows: bool = True) -> None:
        """Empty the buffers :meth:`_write_pending` wrote, after their commit."""
        self._pending_messages = []
        self._pending = []
        if rows:
            self._pending_rows = []

    def _notify(self, written: list[tuple[int, Event]]) -> None:
        if written and self.on_flush is not None:
            self.on_flush(written)

    def events(self, task_id: str, after_seq: int = -1) -> list[Event]:
        """A task's events with ``seq`` greater than ``after_seq``, in order."""
        self.flush_events()
        num = self._num(task_id)
        if num is None:
            return []
        rows = self.db.execute(
            f"SELECT {EVENT_COLUMNS} FROM task_events WHERE task_num = ? AND seq > ? "
            "ORDER BY seq",
            [num, after_seq],
        ).fetchall()
        message = self._message_content(num)
        return [decode_event(task_id, *r, message) for r in rows]

    def global_events(self, after_id: int = 0, limit: int = 1000) -> list[tuple[int, Event]]:
        """Events of every task after global position ``after_id``."""
        self.flush_events()
        rows = self.db.execute(
            f"SELECT e.id, k.num, k.task_id, {EVENT_COLUMNS} FROM task_events e "
            "JOIN task_keys k ON k.num = e.task_num WHERE e.id > ? ORDER BY e.id LIMIT ?",
            [after_id, limit],
        ).fetchall()
        return [(int(i), decode_event(*rest, self._message_content(num))) for i, num, *rest in rows]

    def _message_content(self, num: int) -> Callable[[int], str]:
        """Reads the content of the message at an index of the task with key ``num``."""

        def content(idx: int) -> str:
            row = self.db.execute("SELECT content FROM task_messages WHERE id = ?",
                                  [message_rowid(num, idx)]).fetchone()
            return str(row[0] or "") if row else ""

        return content
