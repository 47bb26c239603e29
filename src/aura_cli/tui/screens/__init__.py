"""Screens of the TUI: the workspace and its modal dialogs."""
