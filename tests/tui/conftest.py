"""TUI fixtures: an engine on the scripted provider and an app with a fixed clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from aura_cli.tui.app import AuraApp
from aura_cli.tui.backend import LocalBackend
from aura_core.config import load_config
from aura_core.engine import Engine
from aura_core.providers.scripted import ScriptedProvider, Turn
from aura_core.store import open_store
from aura_core.tools.registry import ToolRegistry, tool

FIXED_NOW = datetime(2026, 12, 4, 9, 30)


@tool
def echo(text: str) -> str:
    """Echo the text back.

    Args:
        text: What to echo.
    """
    return f"echo: {text}"


def scripted_engine(turns: list[Turn]) -> tuple[Engine, ScriptedProvider]:
    """An engine whose ``scripted:*`` models replay ``turns``."""
    engine = Engine(store=open_store(), config=load_config(), tools=ToolRegistry([echo]))
    provider = ScriptedProvider(turns)
    engine.register_provider(provider)
    return engine, provider


def make_app(engine: Engine, project: Path, model: str = "scripted:x") -> AuraApp:
    """The app with a fixed clock, greeting and no dependency banners."""
    return AuraApp(
        LocalBackend(engine),
        model=model,
        project=project,
        clock=lambda: FIXED_NOW,
        problems=lambda _model: [],
    )


async def settle(app: AuraApp) -> None:
    """Wait until every worker (task streams included) has finished, then for repaints."""
    await app.workers.wait_for_complete()
    await app.workers.wait_for_complete()


@pytest.fixture
def build() -> Callable[..., tuple[AuraApp, Engine, ScriptedProvider]]:
    """Build an app over a scripted engine: ``build(turns, project)``."""
    engines: list[Engine] = []

    def make(turns: list[Turn], project: Path, model: str = "scripted:x"):  # type: ignore[no-untyped-def]
        engine, provider = scripted_engine(turns)
        engines.append(engine)
        return make_app(engine, project, model), engine, provider

    yield make
    for engine in engines:
        engine.store.close()
