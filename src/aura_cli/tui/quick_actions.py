"""The dashboard's quick actions: eight categories, each with a ready-made task prompt."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["QUICK_ACTIONS", "QuickActionSpec"]


@dataclass(slots=True, frozen=True)
class QuickActionSpec:
    """One quick-action card.

    Attributes:
        category: the card's heading.
        label: what the card offers, in a few words.
        prompt: the message the task starts with.
    """

    category: str
    label: str
    prompt: str


QUICK_ACTIONS: tuple[QuickActionSpec, ...] = (
    QuickActionSpec(
        "Software Dev",
        "Sketch a REST API",
        "Design a small REST API for this project: resources, routes and error "
        "bodies. Write the result to API.md.",
    ),
    QuickActionSpec(
        "Marketing",
        "Plan a content calendar",
        "Draft a four-week content calendar for this project's launch as a Markdown table.",
    ),
    QuickActionSpec(
        "Finance",
        "Outline a budget",
        "Outline a simple monthly budget framework as a Markdown table with "
        "categories, planned and actual columns.",
    ),
    QuickActionSpec(
        "Legal",
        "Compliance checklist",
        "Write a short compliance checklist for shipping an open-source tool.",
    ),
    QuickActionSpec(
        "Research",
        "Design an A/B test",
        "Design an A/B test: hypothesis, metric, sample size reasoning and a stopping rule.",
    ),
    QuickActionSpec(
        "Design",
        "Write user stories",
        "Write five user stories with acceptance criteria for this project.",
    ),
    QuickActionSpec(
        "Operations",
        "Draft a runbook",
        "Draft an on-call runbook for this project: alerts, first checks, rollback.",
    ),
    QuickActionSpec(
        "Education",
        "Write a tutorial",
        "Write a beginner tutorial for this project, with a worked example.",
    ),
)
