"""``aura`` on a terminal: open the full-screen TUI on the in-process engine or a server."""

from __future__ import annotations

from pathlib import Path

__all__ = ["open_tui"]


def open_tui(model: str | None = None, project: Path | None = None) -> None:
    """Run the TUI until the user quits.

    With ``-s URL`` (or the ``server`` setting) the TUI drives that ``aura serve``;
    otherwise it builds an in-process engine.

    Args:
        model: the model new tasks use; the configured default when None.
        project: the project directory; the current directory when None.

    Raises:
        UsageError: the project directory does not exist.
    """
    from aura_cli.session import remote_settings
    from aura_cli.tui.app import AuraApp
    from aura_core.errors import UsageError

    root = (project or Path.cwd()).expanduser()
    if not root.is_dir():
        raise UsageError(f"project directory not found: {root}")
    remote = remote_settings()
    if remote is not None:
        from aura_cli.remote import RemoteClient
        from aura_cli.tui.remote_backend import RemoteBackend

        # Dependency banners describe this machine; the server's tasks run elsewhere.
        app = AuraApp(
            RemoteBackend(RemoteClient(remote)),
            model=model,
            project=root,
            problems=lambda _model: [],
        )
        app.run()
        return
    from aura_cli.tui.backend import LocalBackend
    from aura_core.engine import Engine

    engine = Engine()
    try:
        AuraApp(LocalBackend(engine), model=model, project=root).run()
    finally:
        engine.store.close()


if __name__ == "__main__":
    open_tui()
