"""User settings: ``~/.aura/config.json`` with defaults and ``AURA_*`` environment overrides."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path

from aura_core import paths
from aura_core.errors import ConfigError

__all__ = ["DEFAULTS", "Config", "env_name", "load_config"]

JSON = str | int | float | bool | None | list["JSON"] | dict[str, "JSON"]

#: Every setting with its default; the types here are what values are coerced to.
DEFAULTS: dict[str, JSON] = {
    "model": None,
    "server": None,
    "token": None,
    "max_steps": 25,
    "max_concurrent_tools": 4,
    "thinking": "off",
    "tools": {"sandbox": True, "allow_network": False, "allowed_roots": [],
              "require_approval": []},
    "local": {
        "n_ctx": 4096,
        "n_threads": None,
        "n_batch": 512,
        "n_gpu_layers": 0,
        "prompt_style": "auto",
        "extra_buffers": False,
        "temperature": 0.2,
        "top_p": 0.95,
        "top_k": 40,
        "min_p": 0.05,
        "repeat_penalty": 1.1,
        "max_tokens": 512,
        "seed": None,
    },
    "storage": {"synchronous": "NORMAL"},
    "web": {"enabled": False, "host": None, "port": None, "token": None, "sse_keepalive": 15.0},
    "context": {"git": True, "window": 0},
    "memory": {"enabled": True, "extract": "auto", "semantic": True},
    "auto_resume": False,
    "fallback": [],
    "routing": {
        "enabled": False,
        "classifier": None,
        "free_only": False,
        "tiers": {"simple": None, "standard": None, "complex": None, "reasoning": None},
    },
}

#: Settings that may be set but never printed back in full.
SECRET_KEYS = frozenset({"token", "web.token"})


def _flatten(tree: dict[str, JSON], prefix: str = "") -> dict[str, JSON]:
    out: dict[str, JSON] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            out.update(_flatten(value, name + "."))
        else:
            out[name] = value
    return out


KNOWN: dict[str, JSON] = _flatten(DEFAULTS)

#: The value type of settings whose default (None) cannot tell it.
_OPTIONAL_INTS = frozenset({"local.n_threads", "local.seed", "web.port"})


def env_name(key: str) -> str:
    """The environment variable that overrides ``key`` (``local.n_ctx`` → ``AURA_LOCAL_N_CTX``)."""
    return "AURA_" + key.replace(".", "_").upper()


def _coerce(key: str, raw: JSON, source: str) -> JSON:
    default = KNOWN.get(key)
    if key in _OPTIONAL_INTS and isinstance(raw, str) and raw.strip():
        default = 0  # parse as an integer; a bad value is an error like any other int
    if raw is None or not isinstance(raw, str):
        if isinstance(default, bool) and not isinstance(raw, bool) and raw is not None:
            raise ConfigError(f"{source}: {key} must be true or false")
        return raw
    text = raw.strip()
    try:
        if isinstance(default, bool):
            lowered = text.lower()
            if lowered in ("1", "true", "yes", "on"):
                return True
            if lowered in ("0", "false", "no", "off"):
                return False
            raise ValueError(text)
        if isinstance(default, int):
            return int(text)
        if isinstance(default, float):
            return float(text)
        if isinstance(default, list):
            value = json.loads(text) if text.startswith("[") else [
                p for p in text.split(os.pathsep) if p]
            return value
    except ValueError as exc:
        kind = type(default).__name__
        raise ConfigError(f"{source}: {key} must be a {kind}, got {text!r}") from exc
    return text


class Config:
    """Settings merged from defaults, the config file and the environment (highest)."""

    def __init__(self, path: Path, file_values: dict[str, JSON]) -> None:
        self.path = path
        self._file = file_values

    def get(self, key: str) -> JSON:
        """The effective value of a dotted key.

        Raises:
            ConfigError: the key is unknown.
        """
        env = os.environ.get(env_name(key))
        if env is not None:
            return _coerce(key, env, env_name(key))
        if key in KNOWN:
            node: JSON = self._file
            for part in key.split("."):
                if not isinstance(node, dict) or part not in node:
                    return copy.deepcopy(KNOWN[key])
                node = node[part]
            return node
        raise ConfigError(f"unknown setting: {key} (see `aura config list`)")

    def source(self, key: str) -> str:
        """Where the effective value comes from: ``env``, ``file`` or ``default``."""
        if os.environ.get(env_name(key)) is not None:
            return "env"
        node: JSON = self._file
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                return "default"
            node = node[part]
        return "file"

    def effective(self) -> dict[str, JSON]:
        """Every known setting with its effective value."""
        return {key: self.get(key) for key in KNOWN}

    def set(self, key: str, value: str | JSON) -> JSON:
        """Set a dotted key in the config file (written atomically); returns the stored value.

        Raises:
            ConfigError: unknown key or a value of the wrong type.
        """
        if key not in KNOWN:
            raise ConfigError(f"unknown setting: {key} (see `aura config list`)")
        stored = _coerce(key, value, "value") if isinstance(value, str) else value
        node = self._file
        parts = key.split(".")
        for part in parts[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                child = {}
                node[part] = child
            node = child
        node[parts[-1]] = stored
        self.save()
        return stored

    def unset(self, key: str) -> None:
        """Remove a key from the config file so its default applies again."""
        node: JSON = self._file
        parts = key.split(".")
        for part in parts[:-1]:
            if not isinstance(node, dict) or part not in node:
                return
            node = node[part]
        if isinstance(node, dict):
            node.pop(parts[-1], None)
        self.save()

    def save(self) -> None:
        """Write the config file atomically with 0600 permissions."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(self._file, indent=2, sort_keys=True) + "\n")
        tmp.chmod(0o600)
        os.replace(tmp, self.path)


def load_config(path: Path | None = None) -> Config:
    """Read the config file (missing is fine; malformed is a one-line error).

    Raises:
        ConfigError: the file is not valid JSON or not a JSON object.
    """
    target = path or paths.config_path()
    values: dict[str, JSON] = {}
    if target.exists():
        try:
            loaded = json.loads(target.read_text() or "{}")
        except json.JSONDecodeError as exc:
            raise ConfigError(
                f"malformed config file {target}: line {exc.lineno} column {exc.colno}: {exc.msg}"
            ) from exc
        except OSError as exc:
            raise ConfigError(f"cannot read config file {target}: {exc.strerror}") from exc
        if not isinstance(loaded, dict):
            raise ConfigError(f"malformed config file {target}: the top level must be an object")
        values = loaded
    config = Config(target, values)
    for key in KNOWN:
        config.get(key)  # validate environment overrides early
    return config
