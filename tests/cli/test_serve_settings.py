"""Where `aura serve` takes its address, port and token from: flags, AURA_WEB_*, settings."""

from __future__ import annotations

import subprocess

import pytest

from aura_cli.commands.serve import DEFAULT_PORT, resolve_settings
from aura_core.errors import UsageError
from support import AURA


def test_web_settings_are_real_settings(cli_env: dict[str, str]) -> None:
    def aura(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*AURA, "config", *args], capture_output=True, text=True,
                              env=cli_env, timeout=60)

    assert aura("set", "web.port", "19999").returncode == 0
    assert aura("set", "web.token", "s3cret-token-value").returncode == 0
    assert aura("set", "web.sse_keepalive", "5").returncode == 0
    bad = aura("set", "web.port", "eighty")
    assert bad.returncode != 0 and "web.port" in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1
    listed = aura("list").stdout
    assert "web.port" in listed and "s3cret-token-value" not in listed


def test_flags_beat_the_environment_which_beats_settings(
    monkeypatch: pytest.MonkeyPatch, cli_env: dict[str, str]
) -> None:
    assert resolve_settings().port == DEFAULT_PORT
    subprocess.run([*AURA, "config", "set", "web.port", "19999"], env=cli_env, check=True,
                   capture_output=True, timeout=60)
    assert resolve_settings().port == 19999
    monkeypatch.setenv("AURA_WEB_PORT", "18999")
    assert resolve_settings().port == 18999
    assert resolve_settings(port=17999).port == 17999
    monkeypatch.setenv("AURA_WEB_PORT", "0")
    with pytest.raises(UsageError, match="1-65535"):
        resolve_settings()
