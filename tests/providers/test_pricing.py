"""Prices: bundled defaults, dated snapshots, overrides and reset, costs recorded by tasks."""

from __future__ import annotations

from pathlib import Path

from aura_core.config import load_config
from aura_core.engine import Engine
from aura_core.providers.base import Usage
from aura_core.providers.pricing import Price, PriceBook, price_source
from aura_core.providers.scripted import ScriptedProvider, Turn
from aura_core.store import open_store
from aura_core.store.providers import provider_rows
from aura_core.tools.registry import ToolRegistry, tool


@tool
def noop(step: int) -> str:
    """Do nothing.

    Args:
        step: Which step this is.
    """
    return f"ok {step}"


def test_bundled_prices_cover_the_main_vendors() -> None:
    book = PriceBook()
    sonnet = book.price("anthropic", "claude-sonnet-4-5")
    assert sonnet == book.price("anthropic", "claude-sonnet-4-5-20250929")  # dated snapshot
    assert sonnet is not None and (sonnet.input, sonnet.output) == (3.0, 15.0)
    assert sonnet.cache_read == 0.3 and sonnet.cache_write == 3.75
    assert book.price("openai", "gpt-4o-mini") is not None
    assert book.price("openai", "gpt-4o-mini") != book.price("openai", "gpt-4o")
    assert book.price("google", "models/gemini-2.5-flash") is not None
    assert book.price("deepseek", "deepseek-chat") is not None
    assert "genai-prices" in price_source()


def test_cost_prices_uncached_input_cache_and_output_separately() -> None:
    price = Price(input=3.0, output=15.0, cache_read=0.3, cache_write=3.75)
    usage = Usage(
        input_tokens=1_000, output_tokens=2_000, cache_read_tokens=10_000, cache_write_tokens=4_000
    )
    expected = (1_000 * 3 + 2_000 * 15 + 10_000 * 0.3 + 4_000 * 3.75) / 1e6
    assert abs(price.cost(usage) - expected) < 1e-12
    no_cache_prices = Price(input=1.0, output=2.0)
    assert no_cache_prices.cost(Usage(cache_read_tokens=1_000_000)) == 1.0


def test_local_models_are_free_and_unknown_models_cost_nothing() -> None:
    book = PriceBook()
    usage = Usage(input_tokens=10**6, output_tokens=10**6)
    assert book.cost("local", "gemma3-270m", usage) == 0.0
    assert book.cost("ollama", "qwen3:0.6b", usage) == 0.0
    assert book.price("openai", "no-such-model-xyz") is None
    assert book.cost("openai", "no-such-model-xyz", usage) == 0.0


def test_overrides_win_and_reset_restores_defaults() -> None:
    store = open_store()
    book = PriceBook(provider_rows(store))
    default = book.price("openai", "gpt-4o")
    book.set("openai", "gpt-4o", Price(1.0, 2.0))
    assert PriceBook(provider_rows(store)).price("openai", "gpt-4o") == Price(1.0, 2.0)
    assert list(book.overrides()) == ["openai:gpt-4o"]
    assert book.reset() == 1
    assert PriceBook(provider_rows(store)).price("openai", "gpt-4o") == default
    store.close()


async def test_a_task_records_the_priced_cost_of_each_call(project: Path) -> None:
    engine = Engine(store=open_store(), config=load_config(), tools=ToolRegistry([noop]))
    engine.register_provider(
        ScriptedProvider([Turn(text="hello", input_tokens=1_000, output_tokens=500)], name="openai")
    )
    handle = await engine.start_task("hi", model="openai:gpt-4o", project=project)
    events = [e async for e in handle.events()]
    usage = next(e for e in events if e.type == "usage")
    expected = (1_000 * 2.5 + 500 * 10) / 1e6
    assert abs(float(usage.data["cost"]) - expected) < 1e-9  # type: ignore[arg-type]
    assert abs(engine.store.usage.task_cost(handle.task_id) - expected) < 1e-9
    await engine.shutdown()


async def test_budget_stops_the_task_once_recorded_cost_passes_it(project: Path) -> None:
    store = open_store()
    PriceBook(provider_rows(store)).set("openai", "gpt-4o", Price(input=300_000.0, output=0.0))
    engine = Engine(store=store, config=load_config(), tools=ToolRegistry([noop]))
    provider = ScriptedProvider(
        [
            Turn(
                tool_calls=[{"name": "noop", "arguments": {"step": i}}],
                input_tokens=1,
                output_tokens=1,
            )
            for i in range(10)
        ],
        name="openai",
    )
    engine.register_provider(provider)
    handle = await engine.start_task("loop", model="openai:gpt-4o", project=project, budget=0.5)
    events = [e async for e in handle.events()]
    assert events[-1].data["status"] == "failed" and events[-1].data["reason"] == "budget"
    assert len(provider.requests) == 2  # $0.30 each: the third call would pass $0.50
    record = engine.store.tasks.get(handle.task_id)
    assert record.status == "failed" and record.reason == "budget"
    await engine.shutdown()
