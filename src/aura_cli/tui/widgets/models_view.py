"""The Models view: every model the core can list, grouped by provider; pick the default."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from aura_cli.tui.model_choices import ModelChoice

__all__ = ["ModelsView"]


class ModelsView(Vertical):
    """Selecting a model makes it the default (written through the core's config API)."""

    DEFAULT_CSS = """
    ModelsView { padding: 0 2; }
    ModelsView > .heading { text-style: bold; padding: 1 0; }
    ModelsView > OptionList { height: 1fr; }
    """

    class Chosen(Message):
        """The user picked a default model (or a provider prefix to complete)."""

        def __init__(self, model_id: str) -> None:
            super().__init__()
            self.model_id = model_id

    def compose(self) -> ComposeResult:
        yield Static("Models", classes="heading")
        yield Static("", id="models-default")
        yield OptionList(id="models-list")

    def set_models(self, choices: Sequence[ModelChoice], default: str) -> None:
        """List the models.

        Args:
            choices: from `model_choices`.
            default: the configured default model.
        """
        self.query_one("#models-default", Static).update(
            f"Default model: {default}   (Enter on a model makes it the default; "
            "ctrl+o switches only this session)"
        )
        options = self.query_one(OptionList)
        options.clear_options()
        group = None
        for choice in choices:
            if choice.group != group:
                group = choice.group
                options.add_option(Option(f"── {group} ──", disabled=True))
            mark = "● " if choice.model_id == default else "  "
            options.add_option(
                Option(f"{mark}{choice.label}  [dim]{choice.model_id}[/]", id=choice.model_id)
            )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.Chosen(event.option.id))
