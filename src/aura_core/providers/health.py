"""Provider health: a circuit breaker per provider and bounded retries with backoff."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from aura_core.errors import ProviderError
from aura_core.providers.base import ModelRequest, Provider, StreamPart

if TYPE_CHECKING:
    from aura_core.store.providers import ProviderStore

__all__ = [
    "CircuitBreaker",
    "Clock",
    "HealthRegistry",
    "RetryPolicy",
    "Sleep",
    "default_health",
    "guarded_stream",
]

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]
State = Literal["closed", "open", "half_open"]

FAILURE_THRESHOLD = 5
COOLDOWN_SECONDS = 60.0


class CircuitBreaker:
    """Stops calling a provider after repeated failures, then probes it once after a cool-down.

    Args:
        provider: the provider's name.
        threshold: consecutive failures that open the circuit.
        cooldown: seconds the circuit stays open before one probe call is let through.
        clock: wall-clock seconds (injectable for tests).
        on_change: called after every state change (persistence).
    """

    def __init__(
        self,
        provider: str,
        *,
        threshold: int = FAILURE_THRESHOLD,
        cooldown: float = COOLDOWN_SECONDS,
        clock: Clock = time.time,
        on_change: Callable[[CircuitBreaker], None] | None = None,
    ) -> None:
        self.provider = provider
        self.threshold = threshold
        self.cooldown = cooldown
        self.clock = clock
        self.on_change = on_change
        self.state: State = "closed"
        self.failures = 0
        self.opened_at: float | None = None
        self.last_error: str | None = None
        self.last_success: float | None = None

    def allow(self) -> bool:
        """Whether a call may go out now; an open circuit past its cool-down allows one probe."""
        if self.state == "closed":
            return True
        if (
            self.state == "open"
            and self.opened_at is not None
            and (self.clock() - self.opened_at >= self.cooldown)
        ):
            self.state = "half_open"
            self._changed()
            return True
        return False

    def retry_in(self) -> float:
        """Seconds until the next probe is allowed (0 when calls may go out)."""
        if self.state != "open" or self.opened_at is None:
            return 0.0
        return max(0.0, self.opened_at + self.cooldown - self.clock())

    def record_success(self) -> None:
        """A call succeeded: close the circuit."""
        changed = self.state != "closed" or self.failures
        self.state, self.failures, self.opened_at = "closed", 0, None
        self.last_success = self.clock()
        if changed:
            self._changed()

    def record_failure(self, error: str) -> None:
        """A call failed in a way that says the provider is unwell."""
        self.failures += 1
        self.last_error = error
        if self.state == "half_open" or self.failures >= self.threshold:
            self.state = "open"
            self.opened_at = self.clock()
        self._changed()

    def snapshot(self) -> dict[str, str | int | float | None]:
        """JSON-ready state for ``aura models status``."""
        return {
            "provider": self.provider,
            "state": self.state,
            "failures": self.failures,
            "opened_at": self.opened_at,
            "retry_in": round(self.retry_in(), 1),
            "last_error": self.last_error,
            "last_success": self.last_success,
        }

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change(self)


class HealthRegistry:
    """One circuit breaker per provider, optionally persisted to the database.

    Args:
        clock: wall-clock seconds for every breaker (tests pass a fake clock).
        rows: the provider tables; breaker states are loaded from and saved to them.
        threshold / cooldown: breaker settings.
    """

    def __init__(
        self,
        *,
        clock: Clock = time.time,
        rows: ProviderStore | None = None,
        threshold: int = FAILURE_THRESHOLD,
        cooldown: float = COOLDOWN_SECONDS,
    ) -> None:
        self.clock = clock
        self.rows = rows
        self.threshold = threshold
        self.cooldown = cooldown
        self._breakers: dict[str, CircuitBreaker] = {}

    def breaker(self, provider: str) -> CircuitBreaker:
        """The breaker for ``provider``, created (or loaded) on first use."""
        found = self._breakers.get(provider)
        if found is None:
            found = CircuitBreaker(
                provider,
                threshold=self.threshold,
                cooldown=self.cooldown,
                clock=self.clock,
                on_change=self._save,
            )
            saved = self.rows.health().get(provider) if self.rows is not None else None
            if saved is not None:
                found.state = saved.state  # type: ignore[assignment]
                found.failures, found.opened_at = saved.failures, saved.opened_at
                found.last_error, found.last_success = saved.last_error, saved.last_success
            self._breakers[provider] = found
        return found

    def snapshots(self) -> list[dict[str, str | int | float | None]]:
        """Every known breaker's state, persisted ones included."""
        names = set(self._breakers)
        if self.rows is not None:
            names |= set(self.rows.health())
        return [self.breaker(name).snapshot() for name in sorted(names)]

    def _save(self, breaker: CircuitBreaker) -> None:
        if self.rows is None:
            return
        from aura_core.store.providers import HealthRow

        self.rows.save_health(
            HealthRow(
                provider=breaker.provider,
                state=breaker.state,
                failures=breaker.failures,
                opened_at=breaker.opened_at,
                last_error=breaker.last_error,
                last_success=breaker.last_success,
            )
        )


_DEFAULT = HealthRegistry()


def default_health() -> HealthRegistry:
    """The process-wide registry used when an engine was given none."""
    return _DEFAULT


@dataclass(slots=True, frozen=True)
class RetryPolicy:
    """Bounded retries with exponential backoff.

    Attributes:
        attempts: calls in all, the first included.
        base_delay: the first wait in seconds; doubled each retry.
        max_delay: the longest backoff wait.
        max_retry_after: the longest wait a provider's ``retry-after`` may ask for; a longer
            ask is not waited for (the error is raised, so fallback can move on).
    """

    attempts: int = 3
    base_delay: float = 1.0
    max_delay: float = 20.0
    max_retry_after: float = 60.0

    def delay(self, attempt: int, error: ProviderError) -> float | None:
        """Seconds to wait before retry number ``attempt`` (1-based), or None to give up."""
        if attempt >= self.attempts or not error.retryable:
            return None
        if error.retry_after is not None:
            return None if error.retry_after > self.max_retry_after else error.retry_after
        return min(self.max_delay, self.base_delay * 2 ** (attempt - 1))


def counts_against(error: ProviderError) -> bool:
    """Whether an error says the provider is unwell (not the request or the key)."""
    return error.retryable


async def guarded_stream(
    provider: Provider,
    request: ModelRequest,
    breaker: CircuitBreaker,
    *,
    policy: RetryPolicy | None = None,
    sleep: Sleep = asyncio.sleep,
) -> AsyncIterator[StreamPart]:
    """Stream through ``provider`` behind its breaker, retrying failures that happen before
    the first part arrives (a half-streamed reply cannot be replayed).

    Args:
        provider: the provider to call.
        request: the model call.
        breaker: the provider's circuit breaker.
        policy: retries; None means a single attempt.
        sleep: the wait function (tests pass a fake).

    Yields:
        The provider's stream parts.

    Raises:
        ProviderError: the circuit is open (kind ``unavailable``), or the last attempt failed.
    """
    policy = policy or RetryPolicy(attempts=1)
    attempt = 0
    while True:
        attempt += 1
        if not breaker.allow():
            raise ProviderError(
                f"{provider.name}: circuit open after {breaker.failures} failures; "
                f"next probe in {breaker.retry_in():.0f}s",
                kind="unavailable",
                provider=provider.name,
            )
        started = False
        try:
            async for part in provider.stream(request):
                started = True
                yield part
        except ProviderError as exc:
            if counts_against(exc):
                breaker.record_failure(exc.message)
            wait = None if started else policy.delay(attempt, exc)
            if wait is None:
                raise
            await sleep(wait)
            continue
        breaker.record_success()
        return
