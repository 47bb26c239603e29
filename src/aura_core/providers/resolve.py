"""Turn a ``provider:model`` id into a provider instance and the model name it serves."""

from __future__ import annotations

import os
from pathlib import Path

from aura_core.config import Config
from aura_core.errors import NotFoundError, UsageError
from aura_core.providers.base import Provider

__all__ = ["DEFAULT_MODEL", "parse_model_id", "resolve_provider"]

#: The model used when none is configured: the embedded local model, no key needed.
DEFAULT_MODEL = "local:gemma3-270m"


def parse_model_id(model_id: str) -> tuple[str, str]:
    """Split ``provider:model``; a bare name or a ``.gguf`` path means the local provider.

    Raises:
        UsageError: the id is empty.
    """
    text = model_id.strip()
    if not text:
        raise UsageError("empty model id; use provider:model, e.g. local:gemma3-270m")
    if text.endswith(".gguf") and not text.startswith("local:"):
        return "local", text
    provider, sep, model = text.partition(":")
    if not sep:
        return "local", text
    return provider, model


def _local_provider(model: str, config: Config) -> Provider:
    from aura_core.providers.local import LocalProvider, LocalSettings

    settings = LocalSettings(
        model=None if model in ("", "default", "gemma3-270m") else model,
        n_ctx=int(config.get("local.n_ctx") or 4096),
        n_threads=config.get("local.n_threads"),  # type: ignore[arg-type]
        n_batch=int(config.get("local.n_batch") or 512),
        n_gpu_layers=int(config.get("local.n_gpu_layers") or 0),
        prompt_style=str(config.get("local.prompt_style") or "auto"),  # type: ignore[arg-type]
    )
    return LocalProvider(settings)


def resolve_provider(
    model_id: str, config: Config, registered: dict[str, Provider] | None = None
) -> tuple[Provider, str]:
    """Find the provider for ``model_id``.

    Args:
        model_id: ``provider:model`` (``local:...``, ``scripted:/path/script.json``,
            ``openai:gpt-4o`` ...).
        config: the user's settings.
        registered: provider instances registered in-process (tests, plugins), by name.

    Returns:
        The provider and the model name within it.

    Raises:
        NotFoundError: unknown provider or model.
    """
    provider_name, model = parse_model_id(model_id)
    if registered and provider_name in registered:
        return registered[provider_name], model
    if provider_name == "local":
        if model not in ("", "default", "gemma3-270m"):
            from aura_core.inference.models import resolve_local_model

            resolve_local_model(model)
        return _local_provider(model, config), model or "gemma3-270m"
    if provider_name == "scripted":
        from aura_core.providers.scripted import ScriptedProvider, load_script

        return ScriptedProvider(load_script(Path(model).expanduser())), model
    try:
        from aura_core.providers.catalog import load_catalog, make_provider
    except ImportError:  # pragma: no cover - catalog ships with the package
        load_catalog = None  # type: ignore[assignment]
    if load_catalog is not None:
        catalog = load_catalog()
        info = catalog.get(provider_name)
        if info is not None:
            key = os.environ.get(info.key_env) if info.key_env else None
            return make_provider(info, key), model
        known = ", ".join(sorted([*catalog, "scripted"]))
    else:
        known = "local, scripted"
    raise NotFoundError(f"unknown model provider '{provider_name}' in '{model_id}' (known: {known})")
