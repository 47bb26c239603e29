"""``/api/settings``: read and change settings (secrets masked), and test a model connection."""

from __future__ import annotations

import time

import msgspec
from litestar import Controller, get, post, put
from litestar.params import JSONBody

from aura_cli.server.deps import EngineDep
from aura_cli.server.dto import SettingValue
from aura_cli.server.errors import ERRORS
from aura_core.config import SECRET_KEYS, Config
from aura_core.errors import AuraError, ConfigError
from aura_core.messages import Message
from aura_core.providers.base import ModelRequest, Sampling, Stop, TextDelta

__all__ = ["SettingsController"]


class ConnectionTestIn(msgspec.Struct, kw_only=True):
    """Which model to test; the default model when omitted."""

    model: str | None = None


def _masked(key: str, value: object) -> object:
    secret = key in SECRET_KEYS or key.rsplit(".", 1)[-1] in ("token", "key", "secret", "password")
    return "********" if secret and value else value


def _view(config: Config) -> dict[str, object]:
    values = config.effective()
    return {
        "settings": {k: _masked(k, v) for k, v in values.items()},
        "sources": {k: config.source(k) for k in values},
    }


class SettingsController(Controller):
    """Settings and the connection test."""

    path = "/api/settings"
    tags = ["settings"]

    @get("/", responses=ERRORS, summary="Every setting with its effective value and source")
    async def read(self, engine: EngineDep) -> dict[str, object]:
        """Effective settings; secret values are masked."""
        return _view(engine.config)

    @put("/", responses=ERRORS, summary="Change settings")
    async def update(
        self, engine: EngineDep, data: JSONBody[dict[str, SettingValue]]
    ) -> dict[str, object]:
        """Set dotted keys (``{"max_steps": 40}``); all keys are checked before any is written.

        Raises:
            ConfigError: an unknown key or a value of the wrong type.
        """
        config = engine.config
        for key in data:
            config.get(key)  # unknown keys fail before anything is written
        for key, value in data.items():
            if isinstance(value, list) and not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{key} must be a list of strings")
            config.set(key, value)
        return _view(config)

    @post(
        "/test",
        responses=ERRORS,
        status_code=200,
        summary="Test a model connection with a one-token call",
    )
    async def test(self, engine: EngineDep, data: JSONBody[ConnectionTestIn]) -> dict[str, object]:
        """Ask the model for one token; report whether it answered and how fast."""
        model_id = data.model or engine.default_model()
        started = time.perf_counter()
        try:
            provider, model = engine.resolve(model_id)
            request = ModelRequest(
                model=model,
                messages=[Message(role="user", content="ping")],
                sampling=Sampling(max_tokens=1),
            )
            text = ""
            async for part in provider.stream(request):
                if isinstance(part, TextDelta):
                    text += part.text
                elif isinstance(part, Stop):
                    break
        except AuraError as exc:
            return {"ok": False, "model": model_id, "error": exc.message, "code": exc.code}
        ms = round((time.perf_counter() - started) * 1000, 1)
        return {"ok": True, "model": model_id, "latency_ms": ms}
