"""The ``@tool`` decorator and registry: JSON schemas derived from type hints and docstrings."""

from __future__ import annotations

import asyncio
import inspect
import re
import types
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Union, get_args, get_origin, get_type_hints

from aura_core.errors import ToolError
from aura_core.messages import ToolSpec

__all__ = ["Tool", "ToolContext", "ToolRegistry", "ToolResult", "tool", "validate_arguments"]


@dataclass(slots=True)
class ToolContext:
    """What a tool may know about the task it runs for; injected, hidden from the model.

    Attributes:
        root: the task's project root; file tools are confined to it.
        allowed_roots: further directories the user allowed.
        task_id: the task's id.
        allow_network: whether shell commands may reach the network.
        sandbox: whether shell commands run in the bubblewrap sandbox when available.
        env: extra environment variables for shell commands.
    """

    root: Path
    allowed_roots: tuple[Path, ...] = ()
    task_id: str = ""
    allow_network: bool = False
    sandbox: bool = True
    env: dict[str, str] = field(default_factory=dict)

    def resolve(self, path: str) -> Path:
        """Resolve ``path`` against the root and refuse anything outside the allowed roots.

        Raises:
            ToolError: the path escapes the project root (``..`` or a symlink).
        """
        raw = Path(path).expanduser()
        full = (raw if raw.is_absolute() else self.root / raw).resolve()
        for allowed in (self.root, *self.allowed_roots):
            base = allowed.resolve()
            if full == base or base in full.parents:
                return full
        raise ToolError(f"path is outside the project root: {path}")


@dataclass(slots=True)
class ToolResult:
    """A tool's output as the model will see it."""

    content: str
    is_error: bool = False


ToolFunc = Callable[..., Awaitable[object] | object]

_JSON_TYPES: dict[type, str] = {
    str: "string",
    int: "integer",
    float: "number",
    bool: "boolean",
}


def _schema_for(annotation: object) -> dict[str, object]:
    origin = get_origin(annotation)
    if annotation in _JSON_TYPES:
        return {"type": _JSON_TYPES[annotation]}  # type: ignore[index]
    if origin is Literal:
        values = list(get_args(annotation))
        return {"type": _JSON_TYPES.get(type(values[0]), "string"), "enum": values}
    if origin in (list, tuple) or annotation in (list, tuple):
        args = get_args(annotation)
        item = _schema_for(args[0]) if args else {}
        return {"type": "array", "items": item}
    if origin is dict or annotation is dict:
        return {"type": "object"}
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return _schema_for(args[0])
        return {"anyOf": [_schema_for(a) for a in args]}
    return {}


def _parse_docstring(doc: str) -> tuple[str, dict[str, str]]:
    """Split a Google-style docstring into its summary and ``Args:`` descriptions."""
    lines = inspect.cleandoc(doc).splitlines() if doc else []
    summary: list[str] = []
    params: dict[str, str] = {}
    section = "summary"
    current: str | None = None
    for line in lines:
        stripped = line.strip()
        if re.fullmatch(r"(Args|Arguments|Parameters):", stripped):
            section = "args"
            continue
        if re.fullmatch(r"[A-Z][A-Za-z ]*:", stripped):
            section = "other"
            continue
        if section == "summary":
            summary.append(stripped)
        elif section == "args":
            match = re.match(r"(\w+)(?:\s*\([^)]*\))?:\s*(.*)", stripped)
            if match and not line.startswith(" " * 8):
                current = match.group(1)
                params[current] = match.group(2)
            elif current and stripped:
                params[current] += " " + stripped
    text = " ".join(s for s in summary if s).strip()
    return text, params


@dataclass(slots=True)
class Tool:
    """A registered tool: its spec for the model and the function that runs it.

    Attributes:
        read_only: the tool changes nothing outside Aura (reads files, searches), so running
            it again after a crash is harmless; a step whose calls are all read-only commits
            its assistant message together with the first result instead of before the tools.
    """

    name: str
    description: str
    parameters: dict[str, object]
    func: ToolFunc
    wants_ctx: bool = False
    read_only: bool = False

    @property
    def spec(self) -> ToolSpec:
        """The spec handed to models."""
        return ToolSpec(self.name, self.description, self.parameters)

    async def run(self, arguments: dict[str, object], ctx: ToolContext) -> ToolResult:
        """Validate ``arguments`` and run the tool; failures become error results."""
        try:
            validate_arguments(self.parameters, arguments)
            kwargs = dict(arguments)
            if self.wants_ctx:
                kwargs["ctx"] = ctx
            if inspect.iscoroutinefunction(self.func):
                out = await self.func(**kwargs)
            else:
                out = await asyncio.to_thread(self.func, **kwargs)
        except ToolError as exc:
            return ToolResult(exc.message, is_error=True)
        except (OSError, ValueError, TypeError) as exc:
            return ToolResult(f"{type(exc).__name__}: {exc}", is_error=True)
        if isinstance(out, ToolResult):
            return out
        return ToolResult(out if isinstance(out, str) else str(out))


def tool(
    func: ToolFunc | None = None, *, name: str | None = None, read_only: bool = False
) -> Tool | Callable[[ToolFunc], Tool]:
    """Turn a typed, documented function into a :class:`Tool`.

    The parameter schema comes from the type hints; descriptions from the docstring's
    ``Args:`` section. A parameter named ``ctx`` receives the :class:`ToolContext` and is not
    shown to the model. ``read_only=True`` declares that the tool has no side effects (see
    :attr:`Tool.read_only`).
    """

    def build(fn: ToolFunc) -> Tool:
        hints = get_type_hints(fn)
        summary, docs = _parse_docstring(fn.__doc__ or "")
        props: dict[str, object] = {}
        required: list[str] = []
        wants_ctx = False
        for pname, param in inspect.signature(fn).parameters.items():
            if pname == "ctx":
                wants_ctx = True
                continue
            schema = _schema_for(hints.get(pname, str))
            if pname in docs:
                schema["description"] = docs[pname]
            if param.default is inspect.Parameter.empty:
                required.append(pname)
            elif param.default is not None:
                schema["default"] = param.default
            props[pname] = schema
        parameters: dict[str, object] = {
            "type": "object",
            "properties": props,
            "required": required,
            "additionalProperties": False,
        }
        return Tool(name or fn.__name__, summary, parameters, fn, wants_ctx, read_only)

    return build(func) if func is not None else build


def _check(schema: dict[str, object], value: object, where: str) -> None:
    kind = schema.get("type")
    if "enum" in schema and value not in schema["enum"]:  # type: ignore[operator]
        raise ToolError(f"{where} must be one of {schema['enum']}")
    if "anyOf" in schema:
        for option in schema["anyOf"]:  # type: ignore[union-attr]
            try:
                _check(option, value, where)
                return
            except ToolError:
                continue
        raise ToolError(f"{where} has the wrong type")
    checks: dict[str, Callable[[object], bool]] = {
        "string": lambda v: isinstance(v, str),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
        "array": lambda v: isinstance(v, list),
        "object": lambda v: isinstance(v, dict),
    }
    if isinstance(kind, str) and kind in checks and not checks[kind](value):
        raise ToolError(f"{where} must be of type {kind}")
    if kind == "array" and isinstance(value, list) and isinstance(schema.get("items"), dict):
        for i, item in enumerate(value):
            _check(schema["items"], item, f"{where}[{i}]")  # type: ignore[arg-type]
    if kind == "object" and isinstance(value, dict) and "properties" in schema:
        props: dict[str, dict[str, object]] = schema["properties"]  # type: ignore[assignment]
        for req in schema.get("required", []):  # type: ignore[union-attr]
            if req not in value:
                raise ToolError(f"missing required argument: {req}")
        for key, item in value.items():
            if key not in props:
                if schema.get("additionalProperties") is False:
                    raise ToolError(f"unknown argument: {key}")
                continue
            _check(props[key], item, key)


def validate_arguments(schema: dict[str, object], arguments: dict[str, object]) -> None:
    """Check ``arguments`` against a tool's parameter schema.

    Raises:
        ToolError: an argument is missing, unknown or of the wrong type.
    """
    if not isinstance(arguments, dict):
        raise ToolError("arguments must be a JSON object")
    _check(schema, arguments, "arguments")


class ToolRegistry:
    """The set of tools available to a task."""

    def __init__(self, tools: Iterable[Tool] = ()) -> None:
        self._tools: dict[str, Tool] = {}
        for t in tools:
            self.add(t)

    def add(self, t: Tool) -> None:
        """Register a tool (a later tool of the same name replaces the earlier)."""
        self._tools[t.name] = t

    def get(self, name: str) -> Tool | None:
        """Look a tool up by name."""
        return self._tools.get(name)

    def names(self) -> list[str]:
        """Registered tool names, sorted."""
        return sorted(self._tools)

    def specs(self) -> list[ToolSpec]:
        """Specs of every registered tool, sorted by name."""
        return [self._tools[n].spec for n in self.names()]

    def subset(self, names: Iterable[str]) -> ToolRegistry:
        """A registry with only the named tools."""
        wanted = set(names)
        return ToolRegistry(t for n, t in self._tools.items() if n in wanted)

    def __len__(self) -> int:
        return len(self._tools)

    def __contains__(self, name: object) -> bool:
        return name in self._tools
