"""Turn a ``provider:model`` id into a provider instance and the model name it serves."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from aura_core.config import Config
from aura_core.errors import NotFoundError, UsageError
from aura_core.providers.base import Provider
from aura_core.secrets import get_api_key

if TYPE_CHECKING:
    from aura_core.providers.catalog import ProviderInfo
    from aura_core.store import Store

__all__ = ["DEFAULT_MODEL", "parse_model_id", "provider_key_env", "resolve_provider"]

_PROVIDER_ID = re.compile(r"[a-z][a-z0-9_-]+")
"""A provider id: servers such as llama.cpp's name their models by ``.gguf`` path."""

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
    provider, sep, model = text.partition(":")
    if not sep:
        return "local", text
    if text.endswith(".gguf") and not _PROVIDER_ID.fullmatch(provider):
        return "local", text  # a path such as C:\\models\\x.gguf, not provider:model
    return provider, model


def _local_provider(model: str, config: Config) -> Provider:
    from aura_core.providers.local import LocalProvider, LocalSettings

    def num(key: str, kind: type) -> object:
        value = config.get(f"local.{key}")
        return None if value is None else kind(value)

    defaults = LocalSettings()
    settings = LocalSettings(
        model=None if model in ("", "default", "gemma3-270m") else model,
        n_ctx=int(config.get("local.n_ctx") or defaults.n_ctx),
        n_threads=num("n_threads", int),  # type: ignore[arg-type]
        n_batch=int(config.get("local.n_batch") or defaults.n_batch),
        n_gpu_layers=int(config.get("local.n_gpu_layers") or 0),
        prompt_style=str(config.get("local.prompt_style") or "auto"),  # type: ignore[arg-type]
        extra_buffers=bool(config.get("local.extra_buffers")),
        temperature=float(num("temperature", float) or 0.0),  # type: ignore[arg-type]
        top_p=float(num("top_p", float) or defaults.top_p),  # type: ignore[arg-type]
        top_k=int(num("top_k", int) or defaults.top_k),  # type: ignore[arg-type]
        min_p=float(num("min_p", float) or 0.0),  # type: ignore[arg-type]
        repeat_penalty=float(num("repeat_penalty", float) or defaults.repeat_penalty),  # type: ignore[arg-type]
        max_tokens=int(num("max_tokens", int) or defaults.max_tokens),  # type: ignore[arg-type]
        seed=num("seed", int),  # type: ignore[arg-type]
    )
    return LocalProvider(settings)


def _custom_names(store: Store | None) -> list[str]:
    if store is None:
        return []
    from aura_core.store.providers import provider_rows

    return [row.name for row in provider_rows(store).customs()]


def _custom_info(name: str, store: Store | None) -> ProviderInfo | None:
    """A user's custom provider as a catalog row (its key variable is ``<NAME>_API_KEY``)."""
    if store is None:
        return None
    from aura_core.providers.catalog import ProviderInfo
    from aura_core.store.providers import provider_rows

    row = provider_rows(store).custom(name)
    if row is None:
        return None
    key_env = row.name.upper().replace("-", "_") + "_API_KEY"
    auth = row.auth
    if auth != "none" and not get_api_key(row.name, store, key_env):
        auth = "none"  # a keyless endpoint (a server on the LAN); it answers 401 if it wants one
    return ProviderInfo(
        id=row.name,
        name=row.name,
        wire=row.wire,
        base_url=row.base_url,  # type: ignore[arg-type]
        auth=auth,
        key_env=key_env,  # type: ignore[arg-type]
    )


def provider_key_env(provider: str, store: Store | None) -> tuple[str, bool]:
    """A provider's key variable and whether it takes a key.

    Args:
        provider: a catalog or custom provider id.
        store: the database holding custom providers.

    Raises:
        NotFoundError: no such provider.
    """
    from aura_core.providers.catalog import load_catalog
    from aura_core.store.providers import provider_rows

    info = load_catalog().get(provider)
    if info is not None:
        return info.key_env, info.needs_key
    row = provider_rows(store).custom(provider) if store is not None else None
    if row is not None:
        return row.name.upper().replace("-", "_") + "_API_KEY", row.auth != "none"
    known = ", ".join([*load_catalog(), *_custom_names(store)])
    raise NotFoundError(f"unknown provider '{provider}' (known: {known})")


def resolve_provider(
    model_id: str,
    config: Config,
    registered: dict[str, Provider] | None = None,
    store: Store | None = None,
) -> tuple[Provider, str]:
    """Find the provider for ``model_id``.

    Args:
        model_id: ``provider:model`` (``local:...``, ``scripted:/path/script.json``,
            ``openai:gpt-4o`` ...).
        config: the user's settings.
        registered: provider instances registered in-process (tests, plugins), by name.
        store: the database, for custom providers and keys in the secret store; without it
            only catalog providers with keys in the environment resolve.

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
        info = catalog.get(provider_name) or _custom_info(provider_name, store)
        if info is not None:
            key = get_api_key(info.id, store, info.key_env) if info.needs_key else None
            return make_provider(info, key), model
        known = ", ".join(sorted([*catalog, *_custom_names(store), "scripted"]))
    else:
        known = "local, scripted"
    raise NotFoundError(
        f"unknown model provider '{provider_name}' in '{model_id}' (known: {known})"
    )
