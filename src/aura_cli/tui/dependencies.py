"""Problems worth a dashboard banner: missing sandbox, no usable local inference."""

from __future__ import annotations

import importlib.util

__all__ = ["dependency_problems"]


def dependency_problems(model: str) -> list[str]:
    """One line per missing dependency, each with its fix.

    Args:
        model: the model new tasks will use.
    """
    problems: list[str] = []
    try:
        from aura_core.tools.sandbox import sandbox_status
    except ImportError:
        sandbox_status = None  # type: ignore[assignment]
    if sandbox_status is not None:
        status = sandbox_status()
        available = getattr(status, "available", status)
        if not available:
            detail = getattr(status, "reason", "") or "bubblewrap not found"
            problems.append(
                f"Sandbox unavailable ({detail}): shell commands run unconfined. "
                "Fix: install bubblewrap (apt install bubblewrap)."
            )
    if model.startswith("local:") and importlib.util.find_spec("llama_cpp") is None:
        problems.append(
            "Local inference unavailable: llama-cpp-python is not installed. "
            "Fix: pip install llama-cpp-python, or /model PROVIDER:MODEL."
        )
    return problems
