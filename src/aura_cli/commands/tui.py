"""``aura`` on a terminal: open the full-screen TUI on the in-process engine or a server."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aura_core.engine import Engine

__all__ = ["TUI_APPROVAL_TOOLS", "ask_before_risky_tools", "open_tui"]

TUI_APPROVAL_TOOLS = frozenset({"bash", "write_file", "edit_file"})
"""Tools the interactive TUI asks about before running, unless ``tools.require_approval`` is set."""


def open_tui(model: str | None = None, project: Path | None = None) -> None:
    """Run the TUI until the user quits.

    With ``-s URL`` (or the ``server`` setting) the TUI drives that ``aura serve``;
    otherwise it builds an in-process engine, which asks before running
    `TUI_APPROVAL_TOOLS` unless the ``tools.require_approval`` setting is configured.

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
    ask_before_risky_tools(engine)
    try:
        AuraApp(LocalBackend(engine), model=model, project=root).run()
    finally:
        engine.store.close()


def ask_before_risky_tools(engine: Engine) -> None:
    """Make the engine hold `TUI_APPROVAL_TOOLS` calls for approval, unless configured.

    Someone is watching the TUI, so commands and file changes wait for a yes; an explicit
    ``tools.require_approval`` setting (file or environment, even an empty list) wins.

    Args:
        engine: the in-process engine the TUI drives.
    """
    if engine.config.source("tools.require_approval") == "default":
        engine.require_approval = TUI_APPROVAL_TOOLS


if __name__ == "__main__":
    open_tui()
