"""Tools agents can call, declared as typed Python functions."""

from aura_core.tools.registry import Tool, ToolContext, ToolRegistry, ToolResult, tool

__all__ = ["Tool", "ToolContext", "ToolRegistry", "ToolResult", "tool"]
