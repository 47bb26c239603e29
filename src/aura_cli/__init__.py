"""Aura's front-ends: the Typer CLI (with pipe mode), the TUI and the HTTP server."""
