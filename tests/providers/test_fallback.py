"""Fallback: a failing or over-limit provider hands the task to the next one, as events."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

from aura_core.config import load_config
from aura_core.engine import Engine
from aura_core.errors import ProviderError
from aura_core.providers.base import ModelRequest, Stop, StreamPart, TextDelta, Usage
from aura_core.providers.health import HealthRegistry
from aura_core.providers.pricing import Price, PriceBook
from aura_core.providers.scripted import ScriptedProvider, Turn
from aura_core.store import open_store
from aura_core.store.providers import provider_rows
from aura_core.store.usage import UsageRecord
from aura_core.tools.registry import ToolRegistry, tool


@tool
def noop(step: int) -> str:
    """Do nothing.

    Args:
        step: Which step this is.
    """
    return f"ok {step}"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


class Failing:
    """Answers HTTP-503-style errors ``failures`` times, then replies."""

    def __init__(self, name: str, failures: int, kind: str = "overloaded") -> None:
        self.name = name
        self.failures = failures
        self.kind = kind
        self.calls = 0

    async def stream(self, request: ModelRequest) -> AsyncIterator[StreamPart]:
        self.calls += 1
        if self.calls <= self.failures:
            status = 429 if self.kind == "rate_limit" else 503
            raise ProviderError(
                f"{self.name}: HTTP {status}",
                kind=self.kind,  # type: ignore[arg-type]
                provider=self.name,
                status=status,
            )
        yield TextDelta(f"answer from {self.name}")
        yield Usage(10, 5)
        yield Stop("end")


def make_engine(*providers: object, fallback: list[str]) -> tuple[Engine, FakeClock]:
    config = load_config()
    config.set("fallback", fallback)
    config.set("memory.enabled", False)  # no extra model call after the task
    store = open_store()
    engine = Engine(store=store, config=config, tools=ToolRegistry([noop]))
    for provider in providers:
        engine.register_provider(provider)  # type: ignore[arg-type]
    clock = FakeClock()
    engine.health = HealthRegistry(clock=clock, rows=provider_rows(store))  # type: ignore[attr-defined]
    return engine, clock


def switches(events: list) -> list[dict]:  # type: ignore[type-arg]
    return [
        e.data for e in events if e.type == "status" and "switched" in str(e.data.get("message"))
    ]


async def test_503s_move_the_task_to_b_open_a_and_a_is_probed_after_the_cooldown(
    project: Path,
) -> None:
    alpha = Failing("alpha", failures=5)
    steps = [Turn(tool_calls=[{"name": "noop", "arguments": {"step": i}}]) for i in range(5)]
    beta = ScriptedProvider([*steps, Turn(text="finished on beta")], name="beta")
    engine, clock = make_engine(alpha, beta, fallback=["beta:b-model"])
    handle = await engine.start_task("work", model="alpha:a-model", project=project)
    events = [e async for e in handle.events()]
    assert events[-1].data["status"] == "completed"
    assert events[-1].data["result"] == "finished on beta"
    assert alpha.calls == 5  # the 6th step skipped alpha: its circuit was open
    breaker = engine.health.breaker("alpha")  # type: ignore[attr-defined]
    assert breaker.state == "open"
    moved = switches(events)
    assert len(moved) == 6 and all(m["provider"] == "beta:b-model" for m in moved)
    assert moved[0]["message"].startswith(
        "switched from alpha:a-model to beta:b-model: alpha: HTTP 503"
    )
    assert "circuit open" in moved[-1]["message"]
    assert {e.data["provider"] for e in events if e.type == "usage"} == {"beta"}
    assert {e.data["model"] for e in events if e.type == "usage"} == {"b-model"}
    assert all(r.model == "b-model" for r in beta.requests)

    # during the cool-down alpha is not called; after it, alpha is probed and answers
    handle = await engine.start_task("again", model="alpha:a-model", project=project)
    [e async for e in handle.events()]
    assert alpha.calls == 5
    clock.now += 60
    handle = await engine.start_task("later", model="alpha:a-model", project=project)
    events = [e async for e in handle.events()]
    assert alpha.calls == 6 and events[-1].data["result"] == "answer from alpha"
    assert breaker.state == "closed" and not switches(events)
    await engine.shutdown()


async def test_429_moves_to_the_next_provider(project: Path) -> None:
    alpha = Failing("alpha", failures=1, kind="rate_limit")
    beta = ScriptedProvider([Turn(text="from beta")], name="beta")
    engine, _ = make_engine(alpha, beta, fallback=["beta:m"])
    handle = await engine.start_task("x", model="alpha:m", project=project)
    events = [e async for e in handle.events()]
    assert events[-1].data["result"] == "from beta"
    assert "HTTP 429" in switches(events)[0]["message"]
    await engine.shutdown()


async def test_errors_that_fallback_cannot_fix_fail_the_task(project: Path) -> None:
    alpha = Failing("alpha", failures=1, kind="auth")
    beta = ScriptedProvider([Turn(text="from beta")], name="beta")
    engine, _ = make_engine(alpha, beta, fallback=["beta:m"])
    handle = await engine.start_task("x", model="alpha:m", project=project)
    events = [e async for e in handle.events()]
    assert events[-1].data == {"status": "failed", "reason": "provider"}
    assert beta.requests == []
    await engine.shutdown()


def spend(engine: Engine, provider: str, usd: float) -> None:
    engine.store.usage.record(UsageRecord(task_id=None, provider=provider, model="m", cost=usd))


async def test_a_provider_over_its_monthly_limit_is_skipped(project: Path) -> None:
    alpha = Failing("alpha", failures=0)
    beta = ScriptedProvider([Turn(text="from beta")], name="beta")
    engine, _ = make_engine(alpha, beta, fallback=["beta:m"])
    from aura_core.providers.spend import SpendGuard

    SpendGuard(provider_rows(engine.store)).set_limit("alpha", 1.0)
    spend(engine, "alpha", 1.25)
    handle = await engine.start_task("x", model="alpha:m", project=project)
    events = [e async for e in handle.events()]
    assert events[-1].data["result"] == "from beta" and alpha.calls == 0
    assert "monthly spend limit reached ($1.25 of $1.00)" in switches(events)[0]["message"]
    await engine.shutdown()


async def test_over_the_limit_with_no_fallback_fails_clearly(project: Path) -> None:
    alpha = Failing("alpha", failures=0)
    engine, _ = make_engine(alpha, fallback=[])
    from aura_core.providers.spend import SpendGuard

    SpendGuard(provider_rows(engine.store)).set_limit("alpha", 1.0)
    spend(engine, "alpha", 1.0)
    handle = await engine.start_task("x", model="alpha:m", project=project)
    events = [e async for e in handle.events()]
    assert events[-1].data == {"status": "failed", "reason": "budget"}
    error = next(e for e in events if e.type == "error")
    assert "aura models limit alpha --monthly" in str(error.data["message"])
    assert alpha.calls == 0
    await engine.shutdown()


async def test_crossing_the_alert_threshold_is_a_status_event_once(project: Path) -> None:
    beta = ScriptedProvider([Turn(text="a", input_tokens=1_000_000, output_tokens=1)], name="beta")
    engine, _ = make_engine(beta, fallback=[])
    from aura_core.providers.spend import SpendGuard

    SpendGuard(provider_rows(engine.store)).set_limit("beta", 10.0, alert_ratio=0.5)
    PriceBook(provider_rows(engine.store)).set("beta", "m", Price(input=6.0, output=0.0))
    first = [
        e async for e in (await engine.start_task("x", model="beta:m", project=project)).events()
    ]
    alerts = [e.data for e in first if e.type == "status" and e.data.get("alert") == "spend"]
    assert len(alerts) == 1 and "60% of its monthly limit" in str(alerts[0]["message"])
    second = [
        e async for e in (await engine.start_task("y", model="beta:m", project=project)).events()
    ]
    assert not [e for e in second if e.type == "status" and e.data.get("alert")]
    await engine.shutdown()
