"""A searchable model picker, grouped by provider."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from aura_cli.tui.model_choices import ModelChoice

__all__ = ["ModelPicker"]


class ModelPicker(ModalScreen[str | None]):
    """Type to filter; Enter picks the highlighted model or the typed ``provider:model`` id.

    Args:
        choices: the models to offer.
        current: the model in use (marked).
    """

    CSS_PATH = "model_picker.tcss"
    BINDINGS = [
        Binding("escape", "dismiss_none", "Close"),
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
    ]

    def __init__(self, choices: list[ModelChoice], current: str) -> None:
        super().__init__()
        self.choices = choices
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Label(f"Model (now: {self.current})", id="picker-title")
            yield Input(placeholder="search, or type provider:model", id="model-search")
            yield OptionList(id="model-options")

    def on_mount(self) -> None:
        self._fill("")
        self.query_one(Input).focus()

    def _fill(self, query: str) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        low = query.lower().strip()
        group = None
        for choice in self.choices:
            if low and low not in choice.model_id.lower() and low not in choice.label.lower():
                continue
            if choice.group != group:
                group = choice.group
                options.add_option(Option(f"── {group} ──", disabled=True))
            mark = "● " if choice.model_id == self.current else "  "
            options.add_option(
                Option(f"{mark}{choice.label}  [dim]{choice.model_id}[/]", id=choice.model_id)
            )
        if ":" in low and not any(c.model_id.lower() == low for c in self.choices):
            options.add_option(Option(f"Use {query.strip()}", id=query.strip()))
        for index in range(options.option_count):
            if not options.get_option_at_index(index).disabled:
                options.highlighted = index
                break

    def on_input_changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        typed = event.value.strip()
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            option = options.get_option_at_index(options.highlighted)
            self._pick(option.id or "")
        elif ":" in typed:
            self.dismiss(typed)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._pick(event.option.id or "")

    def _pick(self, model_id: str) -> None:
        if model_id.endswith(":"):
            # A provider row: the user still types the model name.
            search = self.query_one(Input)
            search.value = model_id
            search.cursor_position = len(model_id)
            search.focus()
            return
        self.dismiss(model_id)

    def action_move(self, step: int) -> None:
        """Move the highlight while the search field keeps focus."""
        options = self.query_one(OptionList)
        if step > 0:
            options.action_cursor_down()
        else:
            options.action_cursor_up()

    def action_dismiss_none(self) -> None:
        """Close without changing the model."""
        self.dismiss(None)
