"""Smart routing: classify each new task once, then pick the model configured for its tier."""

from aura_core.routing.classify import TIERS, Classification, classify, heuristic
from aura_core.routing.router import RouteDecision, Router, routing_report

__all__ = [
    "TIERS",
    "Classification",
    "RouteDecision",
    "Router",
    "classify",
    "heuristic",
    "routing_report",
]
