"""Request bodies of the OpenAI, Anthropic and Ollama wire formats (only the fields Aura uses)."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

__all__ = [
    "AnthropicBlock",
    "AnthropicMessage",
    "AnthropicTool",
    "ChatCompletionIn",
    "ChatMessage",
    "CompletionIn",
    "MessagesIn",
    "OllamaChatIn",
    "OllamaGenerateIn",
    "OllamaMessage",
    "OllamaOptions",
    "OllamaShowIn",
    "OpenAITool",
    "TextBlock",
]

ModelName = Annotated[str, msgspec.Meta(max_length=500)]
Temperature = Annotated[float, msgspec.Meta(ge=0, le=5)]
Fraction = Annotated[float, msgspec.Meta(ge=0, le=1)]
TokenCount = Annotated[int, msgspec.Meta(ge=1, le=1_000_000)]
JsonObject = dict[str, object]


class _Wire(msgspec.Struct, kw_only=True):
    """Unknown fields are ignored, as the vendors' own servers do."""


# -- OpenAI ----------------------------------------------------------------------------------
class ContentPart(_Wire, kw_only=True):
    """A part of a multi-part message; only ``text`` parts are used."""

    type: str
    text: str | None = None


class FunctionCall(_Wire, kw_only=True):
    """A tool call's function: its name and JSON-encoded arguments."""

    name: str
    arguments: str = "{}"


class ToolCallIn(_Wire, kw_only=True):
    """A tool call an assistant message made."""

    id: str = ""
    type: str = "function"
    function: FunctionCall


class ChatMessage(_Wire, kw_only=True):
    """One chat message."""

    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[ContentPart] | None = None
    name: str | None = None
    tool_calls: list[ToolCallIn] | None = None
    tool_call_id: str | None = None


class FunctionDef(_Wire, kw_only=True):
    """A tool's definition."""

    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    description: str = ""
    parameters: JsonObject | None = None


class OpenAITool(_Wire, kw_only=True):
    """A tool the model may call."""

    type: str = "function"
    function: FunctionDef


class StreamOptions(_Wire, kw_only=True):
    """Streaming options."""

    include_usage: bool = False


class _Sampled(_Wire, kw_only=True):
    temperature: Temperature | None = None
    top_p: Fraction | None = None
    max_tokens: TokenCount | None = None
    seed: int | None = None
    stream: bool = False
    stream_options: StreamOptions | None = None


class ChatCompletionIn(_Sampled, kw_only=True):
    """``POST /v1/chat/completions``."""

    model: ModelName
    messages: Annotated[list[ChatMessage], msgspec.Meta(min_length=1)]
    tools: list[OpenAITool] | None = None
    tool_choice: str | JsonObject | None = None
    max_completion_tokens: TokenCount | None = None


class CompletionIn(_Sampled, kw_only=True):
    """``POST /v1/completions``."""

    model: ModelName
    prompt: str | list[str]


# -- Anthropic -------------------------------------------------------------------------------
class TextBlock(_Wire, kw_only=True):
    """A text block (system prompt, tool result content)."""

    type: str = "text"
    text: str = ""


class AnthropicBlock(_Wire, kw_only=True):
    """A content block: ``text``, ``tool_use``, ``tool_result``, ``thinking``, ``image``…"""

    type: str
    text: str | None = None
    id: str | None = None
    name: str | None = None
    input: JsonObject | None = None
    tool_use_id: str | None = None
    content: str | list[TextBlock] | None = None
    is_error: bool | None = None


class AnthropicMessage(_Wire, kw_only=True):
    """One turn of the conversation."""

    role: Literal["user", "assistant"]
    content: str | list[AnthropicBlock]


class AnthropicTool(_Wire, kw_only=True):
    """A tool the model may call."""

    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    description: str = ""
    input_schema: JsonObject | None = None


class MessagesIn(_Wire, kw_only=True):
    """``POST /v1/messages``."""

    model: ModelName
    max_tokens: TokenCount
    messages: Annotated[list[AnthropicMessage], msgspec.Meta(min_length=1)]
    system: str | list[TextBlock] | None = None
    tools: list[AnthropicTool] | None = None
    tool_choice: JsonObject | None = None
    temperature: Annotated[float, msgspec.Meta(ge=0, le=1)] | None = None
    top_p: Fraction | None = None
    top_k: Annotated[int, msgspec.Meta(ge=0)] | None = None
    stream: bool = False


# -- Ollama ----------------------------------------------------------------------------------
class OllamaOptions(_Wire, kw_only=True):
    """Sampling options."""

    temperature: Temperature | None = None
    top_p: Fraction | None = None
    top_k: Annotated[int, msgspec.Meta(ge=0)] | None = None
    min_p: Fraction | None = None
    repeat_penalty: Annotated[float, msgspec.Meta(ge=0)] | None = None
    num_predict: int | None = None
    seed: int | None = None


class OllamaFunction(_Wire, kw_only=True):
    """A tool call's function with decoded arguments."""

    name: str
    arguments: JsonObject = msgspec.field(default_factory=dict)


class OllamaToolCall(_Wire, kw_only=True):
    """A tool call an assistant message made."""

    function: OllamaFunction


class OllamaMessage(_Wire, kw_only=True):
    """One chat message."""

    role: Literal["system", "user", "assistant", "tool"]
    content: str = ""
    tool_calls: list[OllamaToolCall] | None = None
    tool_name: str | None = None


class OllamaChatIn(_Wire, kw_only=True):
    """``POST /api/chat`` (streams NDJSON unless ``stream`` is false)."""

    model: ModelName
    messages: list[OllamaMessage] = msgspec.field(default_factory=list)
    tools: list[OpenAITool] | None = None
    stream: bool = True
    options: OllamaOptions | None = None


class OllamaGenerateIn(_Wire, kw_only=True):
    """``POST /api/generate``."""

    model: ModelName
    prompt: str = ""
    system: str | None = None
    stream: bool = True
    options: OllamaOptions | None = None


class OllamaShowIn(_Wire, kw_only=True):
    """``POST /api/show`` (older clients send ``name``)."""

    model: ModelName | None = None
    name: ModelName | None = None
