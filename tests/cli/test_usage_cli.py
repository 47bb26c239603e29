"""``aura usage``: totals that match the recorded calls, breakdowns, and a 14-day chart."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aura_cli.commands.usage import app
from aura_core.config import load_config
from aura_core.engine import Engine
from aura_core.providers.scripted import ScriptedProvider, Turn
from aura_core.store import open_store
from aura_core.store.usage import UsageRecord
from aura_core.store.usage_report import day_start

DAY = 86_400


def record(store, provider: str, model: str, cost: float, when: float, tokens: int = 100) -> None:  # type: ignore[no-untyped-def]
    store.usage.record(
        UsageRecord(
            task_id=None,
            provider=provider,
            model=model,
            input_tokens=tokens,
            output_tokens=tokens // 2,
            cache_read_tokens=7,
            cost=cost,
            created_at=when,
        )
    )


async def test_usage_json_totals_equal_the_sum_of_recorded_calls(project: Path) -> None:
    engine = Engine(store=open_store(), config=load_config())
    engine.config.set("memory.enabled", False)
    engine.register_provider(
        ScriptedProvider([Turn(text="hi", input_tokens=1_000, output_tokens=200)], name="openai")
    )
    for prompt in ("one", "two"):
        handle = await engine.start_task(prompt, model="openai:gpt-4o", project=project)
        [e async for e in handle.events()]
    now = time.time()
    midday = day_start(now) + 1  # today, whatever the hour
    record(engine.store, "anthropic", "claude-sonnet-4-5", 0.25, midday)
    record(engine.store, "anthropic", "claude-haiku-4-5", 0.05, midday - 3 * DAY)
    record(engine.store, "groq", "llama", 0.5, now - 40 * DAY)  # outside the 14 days
    await engine.shutdown()

    result = CliRunner().invoke(app, ["--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)

    store = open_store()
    rows = list(store.db["usage"].rows)
    store.close()
    assert data["all_time"]["calls"] == len(rows) == 5
    assert data["all_time"]["cost"] == pytest.approx(sum(r["cost"] for r in rows))
    assert data["all_time"]["input_tokens"] == sum(r["input_tokens"] for r in rows)
    assert data["all_time"]["cache_read_tokens"] == sum(r["cache_read_tokens"] for r in rows)
    today_rows = [r for r in rows if r["created_at"] >= day_start(now)]
    assert data["today"]["calls"] == len(today_rows)
    assert data["today"]["cost"] == pytest.approx(sum(r["cost"] for r in today_rows))
    gpt4o = 2 * (1_000 * 2.5 + 200 * 10) / 1e6
    assert data["by_model"]["openai:gpt-4o"]["cost"] == pytest.approx(gpt4o)
    assert data["by_model"]["openai:gpt-4o"]["calls"] == 2
    assert set(data["by_provider"]) <= {"openai", "anthropic", "groq"}
    daily = data["daily"]
    assert len(daily) == 14 and daily[-1]["calls"] == len(today_rows)
    assert sum(d["cost"] for d in daily) == pytest.approx(
        sum(r["cost"] for r in rows if r["created_at"] >= now - 13 * DAY - DAY)
    )


def test_plain_usage_draws_a_fourteen_day_bar_chart() -> None:
    store = open_store()
    now = time.time()
    for back, cost in ((0, 2.0), (1, 1.0), (5, 0.5)):
        record(store, "openai", "gpt-4o", cost, day_start(now) - back * DAY + 60)
    store.close()
    result = CliRunner().invoke(app, [])
    assert result.exit_code == 0, result.output
    lines = [ln for ln in result.output.splitlines() if "█" in ln or ln[:2].isdigit()]
    bars = [
        ln for ln in result.output.splitlines() if len(ln) > 5 and ln[2] == "-" and ln[:2].isdigit()
    ]
    assert len(bars) == 14 and lines
    assert bars[-1].count("█") == 40 and bars[-2].count("█") == 20
    assert "Last 14 days" in result.output and "$2.00" in result.output


def test_usage_on_an_empty_database() -> None:
    result = CliRunner().invoke(app, ["--json"])
    assert json.loads(result.output)["month"]["calls"] == 0
    assert CliRunner().invoke(app, []).exit_code == 0
