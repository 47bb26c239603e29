"""A provider over an ordered list of providers: skip or leave the unwell ones, say so in events."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass

from aura_core.errors import AuraError, BudgetExceeded, ProviderError
from aura_core.providers.base import ModelRequest, Provider, StreamPart, Usage
from aura_core.providers.health import HealthRegistry, RetryPolicy, Sleep, guarded_stream
from aura_core.providers.spend import SpendGuard

__all__ = ["Candidate", "FallbackProvider", "OnSwitch", "resolve_candidates"]

OnSwitch = Callable[[str, str, str], Awaitable[None]]
"""``(from_model_id, to_model_id, reason)``, awaited before the next provider is tried."""
OnAlert = Callable[[str], Awaitable[None]]
OnServe = Callable[[str, str, str], None]
_IN_PROCESS = frozenset({"local", "scripted"})
"""Providers that run in this process: retrying the same call gives the same failure."""


@dataclass(slots=True, frozen=True)
class Candidate:
    """One entry of the fallback order: a model id and the provider that serves it."""

    model_id: str
    provider: Provider
    model: str


def resolve_candidates(
    primary: str,
    fallbacks: Iterable[str],
    resolve: Callable[[str], tuple[Provider, str]],
) -> list[Candidate]:
    """Resolve the primary model and its fallbacks, in order, without duplicates.

    Args:
        primary: the task's model id; a failure to resolve it is raised.
        fallbacks: the configured fallback model ids; ones that cannot be resolved (unknown
            provider, no key) are left out.
        resolve: turns a model id into ``(provider, model name)``.

    Returns:
        The candidates, primary first.

    Raises:
        AuraError: the primary model cannot be resolved.
    """
    provider, model = resolve(primary)
    out = [Candidate(primary, provider, model)]
    for model_id in fallbacks:
        if not model_id or any(c.model_id == model_id for c in out):
            continue
        try:
            provider, model = resolve(model_id)
        except AuraError:
            continue
        out.append(Candidate(model_id, provider, model))
    return out


class FallbackProvider:
    """Tries each candidate in order and moves on when one is unwell.

    A candidate is skipped when its circuit is open or its provider is over its monthly spend
    limit, and left for the next one when it fails with a retryable error (429, 503, 5xx,
    connection) before streaming anything. The last candidate gets bounded retries instead
    (unless it runs in-process, where a retry would fail the same way).

    Args:
        candidates: the fallback order, primary first.
        health: the circuit breakers.
        spend: monthly limits; None means unlimited.
        policy: retries for the last candidate.
        sleep: the wait function (tests pass a fake).
        on_switch: awaited on every move to the next candidate.
        on_alert: awaited when a provider crosses its spend alert threshold.
        on_serve: called when a candidate starts answering (the engine updates the model name
            its usage records carry).
    """

    def __init__(
        self,
        candidates: list[Candidate],
        *,
        health: HealthRegistry,
        spend: SpendGuard | None = None,
        policy: RetryPolicy | None = None,
        sleep: Sleep = asyncio.sleep,
        on_switch: OnSwitch | None = None,
        on_alert: OnAlert | None = None,
        on_serve: OnServe | None = None,
    ) -> None:
        if not candidates:
            raise ValueError("FallbackProvider needs at least one candidate")
        self.candidates = candidates
        self.health = health
        self.spend = spend
        self.policy = policy or RetryPolicy()
        self.sleep = sleep
        self.on_switch = on_switch
        self.on_alert = on_alert
        self.on_serve = on_serve
        self.serving = candidates[0]
        #: Providers found to have a monthly limit when this call started: only those are
        #: checked for the alert after it (one spend read a call for everyone else).
        self._limited: set[str] = set()

    @property
    def name(self) -> str:
        """The name of the provider answering now (usage is recorded under it)."""
        return self.serving.provider.name

    def _skip_reason(self, candidate: Candidate) -> tuple[str, bool] | None:
        """Why ``candidate`` must be skipped (and whether it is the spend limit), or None."""
        pname = candidate.provider.name
        status = self.spend.status(pname) if self.spend is not None else None
        if status is not None:
            self._limited.add(pname)
            if status.over:
                return f"{pname}: {status.refusal()}", True
        breaker = self.health.breaker(pname)
        if breaker.state == "open" and breaker.retry_in() > 0:
            return f"{pname}: circuit open, next probe in {breaker.retry_in():.0f}s", False
        return None

    async def _switch(self, index: int, reason: str) -> None:
        if index + 1 < len(self.candidates) and self.on_switch is not None:
            await self.on_switch(
                self.candidates[index].model_id, self.candidates[index + 1].model_id, reason
            )

    async def stream(self, request: ModelRequest) -> AsyncIterator[StreamPart]:
        """Stream from the first candidate able to answer.

        Raises:
            BudgetExceeded: every candidate is over its monthly spend limit.
            ProviderError: every candidate is unavailable or failed; the last error is raised.
        """
        reasons: list[str] = []
        self._limited.clear()
        budget_only = True
        last_error: ProviderError | None = None
        for index, candidate in enumerate(self.candidates):
            is_last = index == len(self.candidates) - 1
            skip = self._skip_reason(candidate)
            if skip is not None:
                reasons.append(skip[0])
                budget_only = budget_only and skip[1]
                await self._switch(index, skip[0])
                continue
            budget_only = False
            started = False
            pname = candidate.provider.name
            try:
                async for part in guarded_stream(
                    candidate.provider,
                    dataclasses.replace(request, model=candidate.model),
                    self.health.breaker(candidate.provider.name),
                    policy=self.policy if is_last and pname not in _IN_PROCESS else None,
                    sleep=self.sleep,
                ):
                    if not started:
                        started = True
                        self.serving = candidate
                        if self.on_serve is not None:
                            self.on_serve(
                                candidate.model_id, candidate.provider.name, candidate.model
                            )
                    yield part
                    if isinstance(part, Usage):
                        await self._alert(candidate.provider.name)
                return
            except ProviderError as exc:
                if started or not exc.retryable or is_last:
                    raise
                last_error = exc
                reasons.append(exc.message)
                await self._switch(index, exc.message)
        if budget_only:
            raise BudgetExceeded("; ".join(reasons), code="BUDGET")
        if last_error is not None and len(reasons) == 1:
            raise last_error
        raise ProviderError(
            "no provider could answer: " + "; ".join(reasons),
            kind="unavailable",
            provider=self.candidates[0].provider.name,
        )

    async def _alert(self, provider: str) -> None:
        if self.spend is None or self.on_alert is None or provider not in self._limited:
            return
        message = self.spend.new_alert(provider)
        if message:
            await self.on_alert(message)
