"""Prompt styles for local models: the GGUF's own chat template, or few-shot completion."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from aura_core.errors import ProviderError
from aura_core.messages import Message, ToolCall, ToolSpec

__all__ = [
    "ACTION_PREFIX",
    "ANSWER_PREFIX",
    "PromptStyle",
    "PromptStyleSetting",
    "RenderedPrompt",
    "action_text",
    "choose_style",
    "describe_tools",
    "render_prompt",
]

PromptStyle = Literal["chat_template", "completion"]
PromptStyleSetting = Literal["auto", "chat_template", "completion"]

ACTION_PREFIX = "Action: "
ANSWER_PREFIX = "Answer:"
OBSERVATION_LIMIT = 4000
"""Characters of one tool result kept in a local model's prompt."""

_INSTRUCTIONS = (
    "You are Aura, an agent that works in the user's project folder.\n"
    "Reply with exactly one line: either\n"
    'Action: {"name": "<tool>", "arguments": {...}}  to call one tool, or\n'
    "Answer: <text>  when you can answer without a tool.\n"
    "After an Action you receive an Observation with the tool's result."
)
_REQUIRED_INSTRUCTIONS = (
    "You are Aura, an agent that works in the user's project folder.\n"
    "Reply with exactly one line that calls one tool:\n"
    'Action: {"name": "<tool>", "arguments": {...}}\n'
    "After an Action you receive an Observation with the tool's result."
)

# Worked examples for base models, keyed by the tool they demonstrate.
_EXAMPLES: tuple[tuple[str, str, dict[str, object], str], ...] = (
    (
        "Show me what is in setup.py",
        "read_file",
        {"path": "setup.py"},
        "from setuptools import setup",
    ),
    ("List the files here", "list_dir", {"path": "."}, "README.md\nsrc/\ntests/"),
    (
        "Where is main defined?",
        "grep",
        {"pattern": "def main", "path": "."},
        "src/app.py:12: def main():",
    ),
    ("Find all the Python files", "glob", {"pattern": "**/*.py"}, "src/app.py\ntests/test_app.py"),
    (
        "Save a file notes.txt saying buy milk",
        "write_file",
        {"path": "notes.txt", "content": "buy milk"},
        "wrote 8 bytes to notes.txt",
    ),
    (
        "In app.py rename foo to bar",
        "edit_file",
        {"path": "app.py", "old": "foo", "new": "bar"},
        "edited app.py",
    ),
    ("Run the tests", "bash", {"command": "pytest -q"}, "3 passed"),
)


@dataclass(slots=True, frozen=True)
class RenderedPrompt:
    """A prompt ready to tokenize.

    Attributes:
        text: the prompt text.
        style: the style that produced it.
        stop: strings that end a free-text reply.
        parse_special: whether special tokens such as ``<start_of_turn>`` are parsed as such.
        add_bos: whether the tokenizer should prepend the BOS token.
    """

    text: str
    style: PromptStyle
    stop: tuple[str, ...]
    parse_special: bool
    add_bos: bool


def choose_style(setting: PromptStyleSetting, chat_template: str | None) -> PromptStyle:
    """Pick the prompt style: a forced setting wins, else the template decides.

    Args:
        setting: ``auto``, or a style to force.
        chat_template: the GGUF's ``tokenizer.chat_template``, if it has one.

    Returns:
        ``chat_template`` when forced or when the model has a template, else ``completion``.

    Raises:
        ProviderError: ``chat_template`` was forced but the model has no template.
    """
    if setting == "chat_template" and not chat_template:
        raise ProviderError(
            "this model has no chat template; set local.prompt_style to auto or completion",
            kind="bad_request",
            provider="local",
        )
    if setting != "auto":
        return setting
    return "chat_template" if chat_template else "completion"


def action_text(call: ToolCall) -> str:
    """The ``Action: {...}`` line a model writes for ``call``."""
    payload = {"name": call.name, "arguments": call.arguments}
    return ACTION_PREFIX + json.dumps(payload, ensure_ascii=False)


def _arg_summary(schema: dict[str, object]) -> str:
    props = schema.get("properties")
    if not isinstance(props, dict) or not props:
        return "{}"
    required = set(schema.get("required") or [])  # type: ignore[call-overload]
    parts = []
    for key, sub in props.items():
        kind = sub.get("type", "any") if isinstance(sub, dict) else "any"
        parts.append(f'"{key}": {kind}{"" if key in required else " (optional)"}')
    return "{" + ", ".join(parts) + "}"


def describe_tools(tools: list[ToolSpec]) -> str:
    """One line per tool: name, purpose and arguments, as local models are told."""
    return "\n".join(
        f"- {t.name}: {t.description or 'no description'} Arguments: {_arg_summary(t.parameters)}"
        for t in tools
    )


def _fits(schema: dict[str, object], args: dict[str, object]) -> bool:
    props = schema.get("properties")
    if not isinstance(props, dict):
        return False
    required = set(schema.get("required") or [])  # type: ignore[call-overload]
    return set(args) <= set(props) and required <= set(args)


def _observation(message: Message) -> str:
    text = message.content.strip() or "(no output)"
    if len(text) > OBSERVATION_LIMIT:
        text = text[:OBSERVATION_LIMIT] + " ...(truncated)"
    return ("Observation (error): " if message.is_error else "Observation: ") + text


def _turn_lines(message: Message) -> list[str]:
    """A transcript message as the Action/Observation/Answer lines a model would write."""
    if message.role == "tool":
        return [_observation(message)]
    if message.role == "assistant":
        lines = [action_text(call) for call in message.tool_calls]
        if message.content.strip() and not lines:
            lines.append(f"{ANSWER_PREFIX} {message.content.strip()}")
        return lines
    return [f"Task: {message.content.strip()}"]


def _completion_with_tools(messages: list[Message], tools: list[ToolSpec], required: bool) -> str:
    system = "\n\n".join(m.content.strip() for m in messages if m.role == "system" and m.content)
    by_name = {t.name: t for t in tools}
    blocks: list[str] = []
    for task, name, args, result in _EXAMPLES:
        spec = by_name.get(name)
        if spec is not None and _fits(spec.parameters, args):
            call = ToolCall("", name, args)
            blocks.append(f"Task: {task}\n{action_text(call)}\nObservation: {result}")
    if not required:  # a turn that must call a tool gets no example of answering instead
        blocks.append("Task: What is the capital of France?\nAnswer: Paris.")
    instructions = _REQUIRED_INSTRUCTIONS if required else _INSTRUCTIONS
    head = f"{instructions}\n\nTools:\n{describe_tools(tools)}"
    if system:
        head += f"\n\nContext:\n{system}"
    lines: list[str] = []
    for message in messages:
        if message.role != "system":
            lines.extend(_turn_lines(message))
    return (
        head + "\n\nExamples:\n\n" + "\n\n".join(blocks) + "\n\nNow:\n\n" + "\n".join(lines) + "\n"
    )


def _completion_after_tools(messages: list[Message]) -> str:
    """A transcript with tool work, ending at ``Answer:`` so a base model sums it up."""
    system = "\n\n".join(m.content.strip() for m in messages if m.role == "system" and m.content)
    lines: list[str] = []
    first_user = True
    for message in messages:
        if message.role == "system":
            continue
        if message.role == "user" and not first_user:
            lines.append(f"Note: {message.content.strip()}")
            continue
        first_user = first_user and message.role != "user"
        lines.extend(_turn_lines(message))
    head = (system + "\n\n") if system else ""
    return (
        head
        + "Task: What is the capital of France?\nAnswer: Paris.\n\n"
        + "\n".join(lines)
        + f"\n{ANSWER_PREFIX}"
    )


def _completion_chat(messages: list[Message]) -> str:
    if any(m.role == "tool" for m in messages):
        return _completion_after_tools(messages)
    parts: list[str] = []
    for message in messages:
        if message.role == "system":
            parts.append(message.content.strip() + "\n")
        elif message.role == "user":
            parts.append(f"User: {message.content.strip()}")
        elif message.role == "assistant":
            parts.append(f"Assistant: {message.content.strip()}")
        else:
            parts.append(_observation(message))
    return "\n".join(parts) + "\nAssistant:"


def _chat_messages(
    messages: list[Message], tools: list[ToolSpec], required: bool
) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    system = [m.content.strip() for m in messages if m.role == "system" and m.content.strip()]
    if tools:
        instructions = _REQUIRED_INSTRUCTIONS if required else _INSTRUCTIONS
        system.insert(0, f"{instructions}\n\nTools:\n{describe_tools(tools)}")
    if system:
        out.append({"role": "system", "content": "\n\n".join(system)})
    for message in messages:
        if message.role == "system":
            continue
        role = "user" if message.role in ("user", "tool") else "assistant"
        if message.role == "user":
            content = message.content
        elif tools or message.role == "tool":
            content = "\n".join(_turn_lines(message))
        else:
            content = message.content
        if out and out[-1]["role"] == role:
            out[-1]["content"] += "\n" + content
        else:
            out.append({"role": role, "content": content})
    return out


def _render_template(template: str, chat: list[dict[str, str]], bos: str, eos: str) -> str:
    import jinja2
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    def raise_exception(message: str) -> None:
        raise jinja2.TemplateError(message)

    def strftime_now(fmt: str) -> str:
        return datetime.now().strftime(fmt)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
    compiled = env.from_string(template)
    helpers: dict[str, Callable[[str], object]] = {
        "raise_exception": raise_exception,
        "strftime_now": strftime_now,
    }
    return compiled.render(
        messages=chat, add_generation_prompt=True, bos_token=bos, eos_token=eos, **helpers
    )


def _chat_template(
    template: str,
    messages: list[Message],
    tools: list[ToolSpec],
    required: bool,
    bos: str,
    eos: str,
) -> str:
    import jinja2

    chat = _chat_messages(messages, tools, required)
    try:
        return _render_template(template, chat, bos, eos)
    except jinja2.TemplateError:
        pass
    # Some templates refuse a system role: fold it into the first user turn and retry.
    if chat and chat[0]["role"] == "system":
        system = chat.pop(0)["content"]
        if chat and chat[0]["role"] == "user":
            chat[0] = {"role": "user", "content": system + "\n\n" + chat[0]["content"]}
        else:
            chat.insert(0, {"role": "user", "content": system})
    try:
        return _render_template(template, chat, bos, eos)
    except jinja2.TemplateError as exc:
        raise ProviderError(
            f"the model's chat template failed ({exc}); set local.prompt_style to completion",
            kind="bad_request",
            provider="local",
        ) from None


def render_prompt(
    messages: list[Message],
    tools: list[ToolSpec],
    *,
    style: PromptStyle,
    chat_template: str | None = None,
    bos_token: str = "",
    eos_token: str = "",
    required: bool = False,
) -> RenderedPrompt:
    """Render a transcript into one prompt for a local model.

    With tools the model is asked to reply with one ``Action: {json}`` or ``Answer: text``
    line (only an Action when ``required``); earlier tool calls and results appear as
    Action / Observation lines. Without tools it is plain chat.

    Args:
        messages: the transcript, system message first when there is one.
        tools: the tools the model may call.
        style: ``chat_template`` (render the GGUF's Jinja template) or ``completion``
            (few-shot text for base models).
        chat_template: the Jinja template, required for the ``chat_template`` style.
        bos_token: the model's BOS token text.
        eos_token: the model's EOS token text.
        required: the reply must call a tool (``tool_choice="required"`` or a forced tool).

    Returns:
        The prompt with its stop strings and tokenization flags.

    Raises:
        ProviderError: the template cannot render this transcript.
    """
    if style == "chat_template" and chat_template:
        text = _chat_template(chat_template, messages, tools, required, bos_token, eos_token)
        stop = ("\nObservation:", "\nTask:") if tools else ()
        has_bos = bool(bos_token) and text.startswith(bos_token)
        return RenderedPrompt(text, style, stop, parse_special=True, add_bos=not has_bos)
    if tools:
        text = _completion_with_tools(messages, tools, required)
        stop = ("\n\n", "\nTask:", "\nObservation:", "\nAction:", "\nNow:")
    else:
        text = _completion_chat(messages)
        stop = (
            "\nUser:",
            "\nAssistant:",
            "\n\n",
            "\nTask:",
            "\nNote:",
            "\nObservation:",
            "\nAnswer:",
            "\nAction:",
        )
    return RenderedPrompt(text, "completion", stop, parse_special=False, add_bos=True)
