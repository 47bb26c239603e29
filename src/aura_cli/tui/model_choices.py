"""The models the picker offers, grouped by provider, from whatever the core can list."""

from __future__ import annotations

import os
from dataclasses import dataclass

__all__ = ["ModelChoice", "model_choices"]


@dataclass(slots=True, frozen=True)
class ModelChoice:
    """One entry of the model picker.

    Attributes:
        model_id: what is passed to the engine (``provider:model``); ends with ``:`` for a
            provider whose model name the user still has to type.
        label: what the picker shows.
        group: the provider heading it is listed under.
    """

    model_id: str
    label: str
    group: str


def model_choices(current: str) -> list[ModelChoice]:
    """Local models, then every catalog provider, with the current model first.

    Args:
        current: the model in use, always offered.
    """
    choices = [ModelChoice("local:gemma3-270m", "Gemma 3 270M (embedded)", "local")]
    try:
        from aura_core.inference.models import scan_models
    except ImportError:
        scan_models = None  # type: ignore[assignment]
    if scan_models is not None:
        try:
            for model in scan_models():
                choices.append(ModelChoice(f"local:{model.path}", model.name, "local"))
        except OSError:
            pass
    try:
        from aura_core.providers.catalog import load_catalog
    except ImportError:
        load_catalog = None  # type: ignore[assignment]
    if load_catalog is not None:
        for info in load_catalog().values():
            if info.wire == "local":
                continue
            ready = info.local or not info.key_env or bool(os.environ.get(info.key_env))
            note = "" if ready else f"  (set {info.key_env})"
            choices.append(ModelChoice(f"{info.id}:", f"{info.name}: type a model{note}", info.id))
    if all(c.model_id != current for c in choices):
        group = current.partition(":")[0] or "local"
        choices.insert(0, ModelChoice(current, current, group))
    return choices
