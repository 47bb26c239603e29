"""Widgets of the TUI, one widget a module."""
