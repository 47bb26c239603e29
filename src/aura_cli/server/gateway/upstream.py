"""The gateway's one path to models: resolve an id, stream the provider, time it, log usage."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from litestar.types import Scope

from aura_core.engine import Engine
from aura_core.errors import AuraError, ProviderError
from aura_core.messages import ToolCall
from aura_core.providers.base import (
    ModelRequest,
    Provider,
    Stop,
    StopReason,
    StreamPart,
    TextDelta,
    ThinkingDelta,
    ToolCallPart,
    Usage,
)
from aura_core.providers.resolve import DEFAULT_MODEL
from aura_core.store.usage import UsageRecord

__all__ = ["Gateway", "PartStream", "Reply", "Target"]

_CACHE_LIMIT = 256
#: Usage rows wait this long to be committed together (one transaction, not one per request).
USAGE_FLUSH_S = 0.05


@dataclass(slots=True, frozen=True)
class Target:
    """Where a request goes: the provider, the model name in it, and the id the client used."""

    provider: Provider
    model: str
    model_id: str


@dataclass(slots=True)
class Reply:
    """A whole (non-streamed) model reply."""

    text: str = ""
    thinking: str = ""
    tool_calls: list[ToolCall] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    stop: StopReason = "end"


class PartStream:
    """A provider stream whose first part was already fetched (so errors surface as a status).

    Time spent waiting on the provider is added to the request scope, so the guard can report
    the gateway's own overhead; usage is logged when the stream ends.
    """

    def __init__(
        self, gateway: Gateway, target: Target, scope: Scope, parts: AsyncIterator[StreamPart]
    ) -> None:
        self._gateway = gateway
        self._target = target
        self._scope = scope
        self._parts = parts
        self._first: StreamPart | None = None
        self._started = time.perf_counter()
        self.usage = Usage()

    async def _next(self) -> StreamPart | None:
        began = time.perf_counter()
        try:
            return await anext(self._parts)
        except StopAsyncIteration:
            return None
        finally:
            self._scope["aura_upstream_s"] = (  # type: ignore[typeddict-unknown-key]
                self._scope.get("aura_upstream_s", 0.0) + time.perf_counter() - began
            )  # type: ignore[misc]

    async def prime(self) -> PartStream:
        """Fetch the first part; provider errors raise here, before any byte is sent."""
        self._first = await self._next()
        return self

    async def __aiter__(self) -> AsyncIterator[StreamPart]:
        """The parts, ending with a :class:`Stop` (synthesised if the provider omitted it)."""
        part, self._first = self._first, None
        if part is None:
            part = await self._next()
        try:
            while part is not None:
                if isinstance(part, Usage):
                    self.usage = part
                yield part
                if isinstance(part, Stop):
                    return
                part = await self._next()
            yield Stop("end")
        finally:
            self._gateway.log_usage(self._target, self.usage, time.perf_counter() - self._started)
            aclose = getattr(self._parts, "aclose", None)
            if aclose is not None:
                await aclose()


class Gateway:
    """Routes wire-format requests to Aura's providers.

    Args:
        engine: the engine whose providers, settings and usage store are used.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._targets: dict[str, Target] = {}
        self._flush_due: asyncio.TimerHandle | None = None

    def resolve(self, model_id: str) -> Target:
        """Find the provider for ``provider:model``; a bare name means the default model.

        Raises:
            NotFoundError: unknown provider or model.
            ProviderError: the provider cannot be used here (no key, not installed).
        """
        wanted = model_id.strip()
        target = self._targets.get(wanted)
        if target is not None:
            return target
        full = wanted if ":" in wanted or wanted.endswith(".gguf") else self.engine.default_model()
        try:
            provider, model = self.engine.resolve(full)
        except ImportError as exc:
            raise ProviderError(
                f"model {full} is not available here: {exc.name} is not installed",
                kind="unavailable",
                provider=full.partition(":")[0],
            ) from None
        target = Target(provider, model, wanted or full)
        if len(self._targets) >= _CACHE_LIMIT:
            self._targets.clear()
        self._targets[wanted] = target
        return target

    def forget(self) -> None:
        """Drop cached resolutions (after settings change)."""
        self._targets.clear()

    def model_ids(self) -> list[str]:
        """Model ids worth offering to clients: the default, local GGUFs, registered providers."""
        ids = [self.engine.default_model(), DEFAULT_MODEL]
        try:
            from aura_core.inference.models import scan_models

            ids += [f"local:{m.name}" for m in scan_models()]
        except (ImportError, OSError, AuraError):
            pass
        ids += [f"{name}:default" for name in self.engine._providers]  # noqa: SLF001
        return list(dict.fromkeys(ids))

    async def open(self, scope: Scope, target: Target, request: ModelRequest) -> PartStream:
        """Start a streamed call; provider errors raise before anything is sent."""
        parts = aiter(target.provider.stream(request))
        return await PartStream(self, target, scope, parts).prime()

    async def complete(self, scope: Scope, target: Target, request: ModelRequest) -> Reply:
        """Run a call to the end and gather the reply."""
        reply = Reply()
        text: list[str] = []
        thinking: list[str] = []
        async for part in await self.open(scope, target, request):
            if isinstance(part, TextDelta):
                text.append(part.text)
            elif isinstance(part, ThinkingDelta):
                thinking.append(part.text)
            elif isinstance(part, ToolCallPart):
                reply.tool_calls.append(part.call)
            elif isinstance(part, Usage):
                reply.usage = part
            elif isinstance(part, Stop):
                reply.stop = part.reason
        reply.text, reply.thinking = "".join(text), "".join(thinking)
        return reply

    def log_usage(self, target: Target, usage: Usage, seconds: float) -> None:
        """Record one call in the usage table (failures to log never fail the request).

        Rows are buffered and committed together within :data:`USAGE_FLUSH_S` (usage totals
        flush pending rows before they read, so nothing is missed).
        """
        # A locked or closed database must not break a reply that was already served.
        with contextlib.suppress(Exception):
            self.engine.store.usage.record(
                UsageRecord(
                    task_id=None,
                    provider=target.provider.name,
                    model=target.model,
                    input_tokens=usage.input_tokens,
                    output_tokens=usage.output_tokens,
                    cache_read_tokens=usage.cache_read_tokens,
                    cache_write_tokens=usage.cache_write_tokens,
                    latency_ms=seconds * 1000,
                ),
                batched=True,
            )
            if self._flush_due is None:
                loop = asyncio.get_running_loop()
                self._flush_due = loop.call_later(USAGE_FLUSH_S, self.flush)

    def flush(self) -> None:
        """Commit buffered usage rows now (also call it before the store closes)."""
        self._flush_due = None
        with contextlib.suppress(Exception):
            self.engine.store.tasks.flush_events()
