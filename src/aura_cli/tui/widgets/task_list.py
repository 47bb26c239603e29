"""The Tasks view: search, filter by status, open, resume and delete tasks."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Input, Select

from aura_cli.tui.widgets.sidebar import STATUS_ICONS
from aura_core.tasks import TASK_STATUSES, TaskRecord

__all__ = ["TaskList"]


class TaskList(Vertical):
    """A filterable table of tasks; it posts messages, the workspace calls the engine."""

    DEFAULT_CSS = """
    TaskList > Horizontal { height: auto; }
    TaskList Input { width: 1fr; }
    TaskList Select { width: 24; }
    TaskList DataTable { height: 1fr; }
    """
    BINDINGS = [
        Binding("r", "act('resume')", "Resume"),
        Binding("d,delete", "act('delete')", "Delete"),
    ]

    class Action(Message):
        """The user wants to open, resume or delete a task."""

        def __init__(self, action: str, task_id: str) -> None:
            super().__init__()
            self.action = action
            self.task_id = task_id

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._records: list[TaskRecord] = []

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Input(placeholder="search tasks", id="task-search")
            yield Select([(s, s) for s in TASK_STATUSES], prompt="any status", id="task-status")
        table: DataTable[str] = DataTable(cursor_type="row", id="task-table")
        table.add_columns("", "title", "status", "model", "id")
        yield table

    def set_tasks(self, records: Sequence[TaskRecord]) -> None:
        """Replace the listed tasks (the filters stay).

        Args:
            records: newest first.
        """
        self._records = list(records)
        self._refill()

    def _refill(self) -> None:
        query = self.query_one("#task-search", Input).value.lower().strip()
        status = self.query_one("#task-status", Select).value
        table = self.query_one(DataTable)
        table.clear()
        for r in self._records:
            if query and query not in r.title.lower() and not r.id.startswith(query):
                continue
            if isinstance(status, str) and r.status != status:
                continue
            table.add_row(
                STATUS_ICONS.get(r.status, "?"), r.title[:60], r.status, r.model, r.id[:8], key=r.id
            )

    @property
    def shown(self) -> list[str]:
        """Ids of the rows currently listed."""
        return [str(key.value) for key in self.query_one(DataTable).rows]

    def on_input_changed(self, event: Input.Changed) -> None:
        self._refill()

    def on_select_changed(self, event: Select.Changed) -> None:
        self._refill()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.post_message(self.Action("open", str(event.row_key.value)))

    def action_act(self, action: str) -> None:
        """Resume or delete the highlighted task."""
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        self.post_message(self.Action(action, str(key.value)))
