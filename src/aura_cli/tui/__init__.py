"""The full-screen Textual TUI: a view over the engine's task API and event stream."""

from __future__ import annotations

__all__ = ["AuraApp"]


def __getattr__(name: str) -> object:
    # Textual is imported only when the TUI is actually used.
    if name == "AuraApp":
        from aura_cli.tui.app import AuraApp

        return AuraApp
    raise AttributeError(name)
