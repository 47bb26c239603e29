"""Circuit breakers and retries: open after 5 failures, probe after 60 s, honour retry-after."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from aura_core.errors import ProviderError
from aura_core.providers.base import ModelRequest, Stop, StreamPart, TextDelta, Usage
from aura_core.providers.health import (
    CircuitBreaker,
    HealthRegistry,
    RetryPolicy,
    guarded_stream,
)
from aura_core.store import open_store
from aura_core.store.providers import provider_rows


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


class Flaky:
    """Fails with the queued errors, then answers."""

    def __init__(self, errors: list[ProviderError], name: str = "flaky") -> None:
        self.name = name
        self.errors = list(errors)
        self.calls = 0

    async def stream(self, request: ModelRequest) -> AsyncIterator[StreamPart]:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        yield TextDelta("ok")
        yield Usage(1, 1)
        yield Stop("end")


def overloaded(retry_after: float | None = None) -> ProviderError:
    return ProviderError(
        "flaky: overloaded",
        kind="overloaded",
        provider="flaky",
        status=503,
        retry_after=retry_after,
    )


REQUEST = ModelRequest(model="m", messages=[])


async def drain(stream: AsyncIterator[StreamPart]) -> list[StreamPart]:
    return [part async for part in stream]


def test_breaker_opens_after_five_failures_and_probes_after_the_cooldown() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker("a", clock=clock)
    for _ in range(4):
        breaker.record_failure("503")
        assert breaker.allow()
    breaker.record_failure("503")
    assert breaker.state == "open" and not breaker.allow()
    clock.now += 59
    assert not breaker.allow() and round(breaker.retry_in()) == 1
    clock.now += 1
    assert breaker.allow() and breaker.state == "half_open"
    assert not breaker.allow()  # one probe at a time
    breaker.record_failure("still down")  # a failed probe re-opens at once
    assert breaker.state == "open" and not breaker.allow()
    clock.now += 60
    assert breaker.allow()
    breaker.record_success()
    assert breaker.state == "closed" and breaker.failures == 0


def test_breaker_state_survives_a_restart_through_the_database() -> None:
    clock = FakeClock()
    store = open_store()
    registry = HealthRegistry(clock=clock, rows=provider_rows(store))
    for _ in range(5):
        registry.breaker("openai").record_failure("openai: overloaded")
    again = HealthRegistry(clock=clock, rows=provider_rows(store))
    snap = again.snapshots()
    assert snap[0]["provider"] == "openai" and snap[0]["state"] == "open"
    assert snap[0]["last_error"] == "openai: overloaded" and not again.breaker("openai").allow()
    store.close()


async def test_retries_honour_retry_after_then_succeed() -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    provider = Flaky([overloaded(retry_after=7), overloaded()])
    parts = await drain(
        guarded_stream(
            provider,
            REQUEST,
            CircuitBreaker("flaky"),
            policy=RetryPolicy(attempts=3, base_delay=0.5),
            sleep=sleep,
        )
    )
    assert provider.calls == 3 and isinstance(parts[-1], Stop)
    assert waits == [7, 1.0]  # the server's ask, then exponential backoff (0.5 * 2)


async def test_retries_are_bounded() -> None:
    async def sleep(seconds: float) -> None:
        pass

    provider = Flaky([overloaded() for _ in range(10)])
    breaker = CircuitBreaker("flaky")
    with pytest.raises(ProviderError):
        await drain(
            guarded_stream(provider, REQUEST, breaker, policy=RetryPolicy(attempts=3), sleep=sleep)
        )
    assert provider.calls == 3 and breaker.failures == 3


async def test_a_retry_after_longer_than_the_cap_is_not_waited_for() -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    provider = Flaky([overloaded(retry_after=3600)])
    with pytest.raises(ProviderError):
        await drain(
            guarded_stream(
                provider, REQUEST, CircuitBreaker("flaky"), policy=RetryPolicy(), sleep=sleep
            )
        )
    assert waits == [] and provider.calls == 1


async def test_auth_errors_are_not_retried_and_do_not_trip_the_breaker() -> None:
    provider = Flaky([ProviderError("flaky: bad key", kind="auth", provider="flaky")])
    breaker = CircuitBreaker("flaky")
    with pytest.raises(ProviderError):
        await drain(guarded_stream(provider, REQUEST, breaker, policy=RetryPolicy()))
    assert provider.calls == 1 and breaker.failures == 0


async def test_an_open_circuit_refuses_without_calling() -> None:
    breaker = CircuitBreaker("flaky", clock=FakeClock())
    for _ in range(5):
        breaker.record_failure("x")
    provider = Flaky([])
    with pytest.raises(ProviderError) as caught:
        await drain(guarded_stream(provider, REQUEST, breaker))
    assert caught.value.kind == "unavailable" and "circuit open" in caught.value.message
    assert provider.calls == 0
