"""The Settings view: every setting with its value and source; edit with ``key = value``."""

from __future__ import annotations

from collections.abc import Mapping

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Input, Static

__all__ = ["SettingsView"]


class SettingsView(Vertical):
    """Shows the effective settings; the workspace writes changes through the config API."""

    DEFAULT_CSS = """
    SettingsView { padding: 0 2; }
    SettingsView > .heading { text-style: bold; padding: 1 0 0 0; }
    SettingsView > DataTable { height: 1fr; }
    """

    class Changed(Message):
        """The user asked to set ``key`` to ``value``."""

        def __init__(self, key: str, value: str) -> None:
            super().__init__()
            self.key = key
            self.value = value

    def compose(self) -> ComposeResult:
        yield Static("Settings", classes="heading")
        yield Static("[dim]Enter on a row to edit it; type key = value and press Enter.[/]")
        yield Input(placeholder="key = value", id="settings-edit")
        table: DataTable[str] = DataTable(cursor_type="row", id="settings-table")
        table.add_columns("setting", "value", "source")
        yield table

    def set_settings(
        self, values: Mapping[str, object], sources: Mapping[str, str], secret: frozenset[str]
    ) -> None:
        """List the settings.

        Args:
            values: effective value per dotted key.
            sources: ``env``, ``file`` or ``default`` per key.
            secret: keys whose value is never shown.
        """
        table = self.query_one(DataTable)
        table.clear()
        for key, value in values.items():
            shown = "••••" if key in secret and value else ("" if value is None else str(value))
            table.add_row(key, shown, sources.get(key, ""), key=key)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        edit = self.query_one(Input)
        edit.value = f"{event.row_key.value} = "
        edit.cursor_position = len(edit.value)
        edit.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        key, sep, value = event.value.partition("=")
        if sep and key.strip():
            self.post_message(self.Changed(key.strip(), value.strip()))
            event.input.value = ""
