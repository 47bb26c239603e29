"""Local inference: GGUF models, prompt styles for local models, constrained tool calls."""

from aura_core.inference.models import (
    LocalModel,
    embedded_model_path,
    resolve_local_model,
    scan_models,
)

__all__ = ["LocalModel", "embedded_model_path", "resolve_local_model", "scan_models"]
