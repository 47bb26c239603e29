"""Pick a model per complexity tier, log each decision, and report what routing saved."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from aura_core.config import Config
from aura_core.errors import AuraError
from aura_core.events import JSONValue
from aura_core.providers.base import Provider, Usage
from aura_core.providers.pricing import PriceBook, is_free_provider
from aura_core.providers.resolve import parse_model_id
from aura_core.routing.classify import TIERS, Classification, classify
from aura_core.store.providers import ProviderStore, RouteRow

__all__ = [
    "RouteDecision",
    "Router",
    "is_free_model",
    "route_new_task",
    "routing_report",
    "top_tier_model",
]

Resolve = Callable[[str], tuple[Provider, str]]


@dataclass(slots=True, frozen=True)
class RouteDecision:
    """The model chosen for a task and why."""

    classification: Classification
    model_id: str
    reused: bool = False

    def to_dict(self) -> dict[str, str | float | bool]:
        """JSON-ready form (the ``route`` payload of the status event)."""
        return {**self.classification.to_dict(), "model": self.model_id, "reused": self.reused}


def is_free_model(model_id: str, prices: PriceBook) -> bool:
    """Whether a model costs nothing: local engines and servers, ``:free`` ids, zero prices."""
    provider, model = parse_model_id(model_id)
    if is_free_provider(provider) or model.endswith(":free"):
        return True
    price = prices.price(provider, model)
    return price is not None and price.input == 0 and price.output == 0


def _tier_models(config: Config) -> dict[str, str]:
    out: dict[str, str] = {}
    for tier in TIERS:
        value = config.get(f"routing.tiers.{tier}")
        if value:
            out[tier] = str(value)
    return out


def top_tier_model(config: Config) -> str | None:
    """The model of the highest configured tier (what "everything on the top tier" means)."""
    models = _tier_models(config)
    return next((models[t] for t in reversed(TIERS) if t in models), None)


class Router:
    """Classifies new tasks and maps their tier to a configured model.

    Args:
        config: the settings (``routing.*``).
        rows: the provider tables, where decisions are logged.
        resolve: model id → provider, for the classifier.
        prices: for the free-models-only switch.
    """

    def __init__(
        self, config: Config, rows: ProviderStore, resolve: Resolve, prices: PriceBook | None = None
    ) -> None:
        self.config = config
        self.rows = rows
        self.resolve = resolve
        self.prices = prices or PriceBook(rows)

    @property
    def enabled(self) -> bool:
        """Whether ``routing.enabled`` is on."""
        return bool(self.config.get("routing.enabled"))

    def model_for(self, tier: str, default_model: str) -> str:
        """The model for ``tier``: its own, else the nearest configured tier above, then below.

        With ``routing.free_only`` a paid model is passed over; when no free model is
        configured the default model is used if it is free, else the embedded local model.
        """
        models = _tier_models(self.config)
        index = TIERS.index(tier)
        order = [*TIERS[index:], *reversed(TIERS[:index])]
        picks = [models[t] for t in order if t in models]
        if self.config.get("routing.free_only"):
            picks = [m for m in picks if is_free_model(m, self.prices)]
            if not picks:
                from aura_core.providers.resolve import DEFAULT_MODEL

                return (
                    default_model if is_free_model(default_model, self.prices) else (DEFAULT_MODEL)
                )
        return picks[0] if picks else default_model

    def _classifier(self, default_model: str) -> tuple[Provider, str] | None:
        model_id = str(self.config.get("routing.classifier") or "")
        if model_id == "heuristic":
            return None
        try:
            return self.resolve(model_id or default_model)
        except AuraError:
            return None

    async def decide(self, task_id: str, message: str, default_model: str) -> RouteDecision:
        """Classify a task (once: a resumed task reuses its decision) and log the result.

        Args:
            task_id: the task.
            message: its first user message.
            default_model: the model used when no tier model applies.

        Returns:
            The decision.
        """
        earlier = self.rows.route_for(task_id)
        if earlier is not None:
            found = Classification(
                earlier.kind,
                earlier.tier,
                earlier.score,  # type: ignore[arg-type]
                earlier.source,
                earlier.reason,
            )  # type: ignore[arg-type]
            return RouteDecision(found, earlier.model, reused=True)
        classifier = self._classifier(default_model)
        result = await classify(message, *(classifier or (None, "")))
        model_id = self.model_for(result.tier, default_model)
        self.rows.add_route(
            RouteRow(
                task_id=task_id,
                kind=result.kind,
                tier=result.tier,
                score=result.score,
                model=model_id,
                source=result.source,
                reason=result.reason,
            )
        )
        return RouteDecision(result, model_id)


def routing_report(
    rows: ProviderStore, config: Config, prices: PriceBook, since: float = 0.0
) -> dict[str, object]:
    """Tasks per tier and the saving against running every routed task on the top tier.

    Args:
        rows: the provider tables (decisions and usage).
        config: the settings, for the tier models.
        prices: prices used to re-price each task's tokens at the top-tier model.
        since: only decisions from this timestamp on.

    Returns:
        ``{"tasks", "tiers": {tier: {"tasks", "cost"}}, "kinds", "top_tier_model",
        "actual_cost", "top_tier_cost", "saving", "saving_pct"}``; the top-tier figures are
        None when no tier model is configured or its price is unknown.
    """
    top = top_tier_model(config)
    top_price = None
    if top:
        provider, model = parse_model_id(top)
        top_price = prices.price(provider, model)
    tiers: dict[str, dict[str, float]] = {t: {"tasks": 0, "cost": 0.0} for t in TIERS}
    kinds: dict[str, int] = {}
    actual = hypothetical = 0.0
    decisions = rows.routes(since)
    for row in decisions:
        calls = rows.task_usage(row.task_id)
        cost = sum(c["cost"] for c in calls)
        tiers.setdefault(row.tier, {"tasks": 0, "cost": 0.0})
        tiers[row.tier]["tasks"] += 1
        tiers[row.tier]["cost"] += cost
        kinds[row.kind] = kinds.get(row.kind, 0) + 1
        actual += cost
        if top_price is not None:
            hypothetical += sum(
                top_price.cost(
                    Usage(
                        int(c["input_tokens"]),
                        int(c["output_tokens"]),
                        int(c["cache_read_tokens"]),
                        int(c["cache_write_tokens"]),
                    )
                )
                for c in calls
            )
    top_cost = round(hypothetical, 6) if top_price is not None else None
    saving = round(hypothetical - actual, 6) if top_price is not None else None
    return {
        "tasks": len(decisions),
        "tiers": {
            t: {"tasks": int(v["tasks"]), "cost": round(v["cost"], 6)} for t, v in tiers.items()
        },
        "kinds": kinds,
        "top_tier_model": top,
        "actual_cost": round(actual, 6),
        "top_tier_cost": top_cost,
        "saving": saving,
        "saving_pct": round(saving / hypothetical * 100, 1)
        if saving is not None and hypothetical
        else None,
    }


async def route_new_task(
    task_id: str,
    model_id: str,
    message: str,
    *,
    config: Config,
    rows: ProviderStore,
    resolve: Resolve,
    default_model: str,
    subtask: bool = False,
) -> tuple[str, dict[str, JSONValue]]:
    """Route a task when routing is on and the task runs on the default model.

    Args:
        task_id: the task.
        model_id: the model the task was created with.
        message: its first user message.
        config: the settings.
        rows: the provider tables.
        resolve: model id → provider, for the classifier.
        default_model: the configured default model; only tasks on it are routed (a model
            picked for the task, or a team's sub-task, is left alone).
        subtask: the task is part of a larger run (not routed).

    Returns:
        The model id to run on, and extra ``status`` payload (``message`` and ``route``) when a
        decision was made.
    """
    router = Router(config, rows, resolve)
    if subtask or not router.enabled or model_id != default_model:
        return model_id, {}
    decision = await router.decide(task_id, message, default_model)
    c = decision.classification
    note = (
        f"routed to {decision.model_id}: {c.tier} {c.kind} task (score {c.score:.2f}, {c.source})"
    )
    return decision.model_id, {"message": note, "route": decision.to_dict()}  # type: ignore[dict-item]
