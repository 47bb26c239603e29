"""The bubblewrap wrapper builds the right mounts and reports whether it can run here."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from aura_core.tools import sandbox
from aura_core.tools.sandbox import bwrap_path, sandbox_status, wrap_command


def _fake_bwrap(directory: Path, body: str) -> Path:
    script = directory / "bwrap"
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(0o755)
    return script


def test_wrap_command_mounts_the_system_read_only_and_the_root_writable(tmp_path: Path) -> None:
    argv = wrap_command(["make", "test"], tmp_path, network=False)
    joined = " ".join(argv)
    root = str(tmp_path.resolve())
    assert "--ro-bind / /" in joined
    assert "--dev /dev" in joined and "--proc /proc" in joined and "--tmpfs /tmp" in joined
    assert f"--bind {root} {root}" in joined
    assert "--unshare-all" in argv and "--share-net" not in argv
    assert "--die-with-parent" in argv and "--new-session" in argv
    assert argv[-4:] == ["--chdir", root, "make", "test"]


def test_wrap_command_shares_the_network_only_when_allowed(tmp_path: Path) -> None:
    argv = wrap_command(["true"], tmp_path, network=True)
    assert argv.index("--share-net") > argv.index("--unshare-all")


def test_wrap_command_binds_extra_writable_directories(tmp_path: Path) -> None:
    extra = tmp_path / "cache"
    extra.mkdir()
    argv = wrap_command(["true"], tmp_path, network=False, writable=[extra])
    assert " ".join(argv).count(f"--bind {extra} {extra}") == 1


def test_bwrap_path_is_none_when_not_installed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert bwrap_path() is None


def test_status_says_when_bwrap_is_not_installed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sandbox, "_status", None)
    monkeypatch.setenv("PATH", str(tmp_path))
    status = sandbox_status()
    assert not status.available
    assert status.path is None
    assert status.reason == "bwrap not installed"


def test_status_reports_the_namespace_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sandbox, "_status", None)
    _fake_bwrap(tmp_path, "echo 'bwrap: No permissions to create new namespace' >&2\nexit 1")
    monkeypatch.setenv("PATH", str(tmp_path))
    status = sandbox_status()
    assert not status.available
    assert status.reason == (
        "bwrap cannot create namespaces here: bwrap: No permissions to create new namespace"
    )


def test_status_probes_once_and_remembers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sandbox, "_status", None)
    counter = tmp_path / "calls"
    _fake_bwrap(tmp_path, f"echo x >> {counter}")
    monkeypatch.setenv("PATH", str(tmp_path))
    first = sandbox_status()
    assert first.available
    assert sandbox_status() is first
    assert counter.read_text().count("x") == 1
    sandbox_status(refresh=True)
    assert counter.read_text().count("x") == 2


@pytest.mark.skipif(
    not sandbox_status().available, reason=f"bubblewrap unusable: {sandbox_status().reason}"
)
def test_wrapped_command_writes_only_inside_the_root(tmp_path: Path) -> None:
    argv = wrap_command(
        ["sh", "-c", "echo hi > inside.txt; touch /usr/aura-sandbox-probe"], tmp_path,
        network=False,
    )  # fmt: skip
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=30)
    assert (tmp_path / "inside.txt").read_text() == "hi\n"
    assert "Read-only file system" in proc.stderr
    assert not Path("/usr/aura-sandbox-probe").exists()
