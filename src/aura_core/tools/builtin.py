"""The built-in tool set every agent task gets."""

from __future__ import annotations

from aura_core.tools.registry import Tool, ToolRegistry

__all__ = ["builtin_registry", "builtin_tools"]


def builtin_tools() -> list[Tool]:
    """The core tools: files, search and the sandboxed shell."""
    from aura_core.tools import files, search, shell

    return [*files.TOOLS, *search.TOOLS, *shell.TOOLS]


def builtin_registry() -> ToolRegistry:
    """A registry holding the core tools."""
    return ToolRegistry(builtin_tools())
