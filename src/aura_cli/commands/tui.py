"""``aura`` on a terminal: open the full-screen TUI on an in-process engine."""

from __future__ import annotations

from pathlib import Path

__all__ = ["open_tui"]


def open_tui(model: str | None = None, project: Path | None = None) -> None:
    """Build the engine and run the TUI until the user quits.

    Args:
        model: the model new tasks use; the configured default when None.
        project: the project directory; the current directory when None.

    Raises:
        UsageError: the project directory does not exist.
    """
    from aura_cli.tui.app import AuraApp
    from aura_core.engine import Engine
    from aura_core.errors import UsageError

    root = (project or Path.cwd()).expanduser()
    if not root.is_dir():
        raise UsageError(f"project directory not found: {root}")
    engine = Engine()
    try:
        AuraApp(engine, model=model, project=root).run()
    finally:
        engine.store.close()


if __name__ == "__main__":
    open_tui()
