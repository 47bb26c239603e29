"""Routing: classify each new task, run it on its tier's model, report the saving."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aura_core.config import load_config
from aura_core.engine import Engine
from aura_core.providers.base import ModelRequest
from aura_core.providers.pricing import Price, PriceBook
from aura_core.providers.scripted import ScriptedProvider, Turn
from aura_core.routing import TIERS, classify, heuristic
from aura_core.routing.classify import parse_classification
from aura_core.routing.router import Router
from aura_core.store import open_store
from aura_core.store.providers import provider_rows

SIMPLE = ["what is 2+2?", "rename foo.txt to bar.txt", "say hello"]
HARD = ["prove that the scheduler always terminates", "derive the optimal algorithm for merging"]


def scripted_classifier(request: ModelRequest) -> Turn:
    """Answers with a `route` tool call: reasoning for proofs and derivations, else simple."""
    task = request.messages[-1].content.lower()
    hard = "prove" in task or "derive" in task
    args = {
        "kind": "single",
        "tier": "reasoning" if hard else "simple",
        "score": 0.9 if hard else 0.1,
    }
    return Turn(tool_calls=[{"name": "route", "arguments": args}])


def routed_engine(classifier: ScriptedProvider | None = None) -> Engine:
    config = load_config()
    for key, value in {
        "model": "cheap:default",
        "routing.enabled": True,
        "routing.classifier": "clf:x",
        "routing.tiers.simple": "cheap:small",
        "routing.tiers.reasoning": "pricey:big",
        "memory.enabled": False,
    }.items():
        config.set(key, value)
    store = open_store()
    rows = provider_rows(store)
    PriceBook(rows).set("cheap", "small", Price(input=0.1, output=0.4))
    PriceBook(rows).set("pricey", "big", Price(input=10.0, output=40.0))
    engine = Engine(store=store, config=config)
    answer = Turn(text="done", input_tokens=1_000, output_tokens=500)
    engine.register_provider(ScriptedProvider([answer], name="cheap"))
    engine.register_provider(ScriptedProvider([answer], name="pricey"))
    engine.register_provider(classifier or ScriptedProvider(scripted_classifier, name="clf"))
    return engine


def test_heuristic_tiers_simple_and_complex_prompts() -> None:
    assert heuristic("what is 2+2?").tier == "simple"
    hard = heuristic("prove the algorithm is optimal and refactor the design across modules")
    assert hard.tier in ("complex", "reasoning") and hard.score > 0.5
    assert heuristic("every morning at 8 summarise my inbox").kind == "schedule"
    assert heuristic("fix").kind == "clarify"
    assert all(heuristic(p).source == "heuristic" for p in SIMPLE)


def test_classifier_answers_are_validated() -> None:
    assert parse_classification('{"kind": "team", "tier": "complex", "score": 2}').score == 1.0
    with pytest.raises(ValueError):
        parse_classification({"kind": "single", "tier": "gigantic"})
    with pytest.raises(ValueError):
        parse_classification("no json here")


async def test_a_failing_classifier_falls_back_to_the_heuristic() -> None:
    broken = ScriptedProvider([Turn(error="server")], name="clf")
    result = await classify("what is 2+2?", broken, "x")
    assert result.source == "heuristic" and result.tier == "simple"
    assert "classifier failed" in result.reason
    babbling = ScriptedProvider([Turn(text="I think it is easy")], name="clf")
    assert (await classify("say hello", babbling, "x")).source == "heuristic"


async def test_tasks_run_on_their_tier_model_and_the_report_counts_savings(project: Path) -> None:
    engine = routed_engine()
    statuses = []
    for prompt in SIMPLE + HARD:
        handle = await engine.start_task(prompt, project=project)
        events = [e async for e in handle.events()]
        assert events[-1].data["status"] == "completed"
        statuses.append(events[0].data)
    routes = [s["route"] for s in statuses]
    assert [r["tier"] for r in routes] == ["simple"] * 3 + ["reasoning"] * 2
    assert [s["model"] for s in statuses] == ["cheap:small"] * 3 + ["pricey:big"] * 2
    assert all(r["source"] == "model" for r in routes)
    assert "routed to pricey:big: reasoning single task" in str(statuses[-1]["message"])
    # an explicitly chosen model is not routed
    handle = await engine.start_task("prove it", model="cheap:small", project=project)
    first = [e async for e in handle.events()][0]
    assert "route" not in first.data and first.data["model"] == "cheap:small"
    await engine.shutdown()

    from aura_cli.commands.usage import app

    result = CliRunner().invoke(app, ["routing", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["tasks"] == 5
    assert report["tiers"]["simple"]["tasks"] == 3 and report["tiers"]["reasoning"]["tasks"] == 2
    cheap_call = (1_000 * 0.1 + 500 * 0.4) / 1e6
    pricey_call = (1_000 * 10 + 500 * 40) / 1e6
    assert report["actual_cost"] == pytest.approx(3 * cheap_call + 2 * pricey_call)
    assert report["top_tier_model"] == "pricey:big"
    assert report["top_tier_cost"] == pytest.approx(5 * pricey_call)
    assert report["saving"] == pytest.approx(3 * (pricey_call - cheap_call))
    plain = CliRunner().invoke(app, ["routing"])
    assert plain.exit_code == 0 and "saved" in plain.output


async def test_decisions_are_logged_and_reused_on_resume(project: Path) -> None:
    engine = routed_engine()
    handle = await engine.start_task("say hello", project=project)
    [e async for e in handle.events()]
    rows = provider_rows(engine.store)
    decision = await Router(engine.config, rows, engine.resolve).decide(
        handle.task_id, "prove something hard", "cheap:default"
    )
    assert decision.reused and decision.model_id == "cheap:small"
    assert len(rows.routes()) == 1 and rows.routes()[0].score == pytest.approx(0.1)
    await engine.shutdown()


def test_free_only_routes_to_free_models() -> None:
    engine_store = open_store()
    config = load_config()
    config.set("routing.tiers.simple", "local:gemma3-270m")
    config.set("routing.tiers.reasoning", "openai:gpt-4o")
    router = Router(config, provider_rows(engine_store), lambda m: (None, m))  # type: ignore[arg-type,return-value]
    assert router.model_for("reasoning", "openai:gpt-4o-mini") == "openai:gpt-4o"
    config.set("routing.free_only", True)
    assert router.model_for("reasoning", "openai:gpt-4o-mini") == "local:gemma3-270m"
    assert router.model_for("standard", "openai:gpt-4o-mini") == "local:gemma3-270m"
    engine_store.close()


async def test_the_classifier_call_requires_the_route_tool() -> None:
    seen: list[ModelRequest] = []

    def record(request: ModelRequest) -> Turn:
        seen.append(request)
        return scripted_classifier(request)

    result = await classify("prove it halts", ScriptedProvider(record, name="clf"), "x")
    assert result.source == "model" and result.tier == "reasoning"
    (request,) = seen
    assert [t.name for t in request.tools] == ["route"] and request.tool_choice == "required"


@pytest.mark.local_model
async def test_the_local_model_decides_the_route_itself(
    embedded_gguf: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    local = pytest.importorskip("aura_core.providers.local")
    monkeypatch.setenv("AURA_EMBEDDED_MODEL", str(embedded_gguf))
    provider = local.LocalProvider(local.LocalSettings(temperature=0.0, max_tokens=60, seed=1))
    for prompt in (
        "What is the capital of France?",
        "Prove that the algorithm terminates.",
        "say hello",
        "every morning at 8 summarise my inbox",
    ):
        result = await classify(prompt, provider, "")
        # the forced `route` call leaves the tiny model no prose to fall back on
        assert result.source == "model", (prompt, result.reason)
        assert result.tier in TIERS and result.kind in ("single", "team", "schedule", "clarify")
        assert 0.0 <= result.score <= 1.0 and result.reason == ""
