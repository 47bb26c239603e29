"""The Anthropic Messages wire adapter: prompt caching, extended thinking, streamed tool use."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, ClassVar

from aura_core.messages import Message, ToolCall
from aura_core.providers.adapter import HttpAdapter
from aura_core.providers.base import (
    ModelRequest,
    Stop,
    StopReason,
    StreamPart,
    TextDelta,
    ThinkingDelta,
    ThinkingLevel,
    ToolCallPart,
    Usage,
    forced_tool,
)
from aura_core.providers.http import (
    decode_arguments,
    error_from_body,
    get_json,
    iter_sse,
    open_stream,
)
from aura_core.providers.sse import decode_chunk

__all__ = ["API_VERSION", "THINKING_BUDGETS", "AnthropicMessagesProvider"]

API_VERSION = "2023-06-01"
DEFAULT_MAX_TOKENS = 8192
THINKING_BUDGETS: dict[ThinkingLevel, int] = {"low": 1024, "medium": 4096, "high": 16384}
"""``budget_tokens`` per thinking level; ``max_tokens`` is raised to leave room for the answer."""

_STOP: dict[str, StopReason] = {
    "end_turn": "end",
    "tool_use": "tool_calls",
    "max_tokens": "max_tokens",
    "stop_sequence": "stop_sequence",
    "pause_turn": "end",
    "refusal": "error",
    "model_context_window_exceeded": "max_tokens",
}
_EPHEMERAL = {"type": "ephemeral"}
_REMEMBERED = 512  # tool-use turns whose thinking blocks are kept for replay


class AnthropicMessagesProvider(HttpAdapter):
    """Streams from ``POST {base_url}/v1/messages``.

    Thinking blocks (with their signatures) are remembered per tool-use turn so a tool loop
    can send them back, as the API requires while extended thinking is on.

    Attributes:
        name: the provider's id, e.g. ``anthropic``.
        base_url: the API root without ``/v1``.
    """

    auth_header = "x-api-key"
    auth_prefix = ""
    base_headers: ClassVar[dict[str, str]] = {"anthropic-version": API_VERSION}
    strip_suffixes = ("/v1",)

    def _init_state(self) -> None:
        self._thinking_blocks: dict[str, list[dict[str, Any]]] = {}

    def _assistant(self, msg: Message, with_thinking: bool) -> list[dict[str, Any]]:
        blocks: list[dict[str, Any]] = []
        if with_thinking and msg.tool_calls:
            blocks += self._thinking_blocks.get(msg.tool_calls[0].id, [])
        if msg.content:
            blocks.append({"type": "text", "text": msg.content})
        blocks += [
            {"type": "tool_use", "id": c.id, "name": c.name, "input": c.arguments}
            for c in msg.tool_calls
        ]
        return blocks

    def _messages(self, request: ModelRequest, thinking: bool) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for msg in request.messages:
            if msg.role == "system":
                continue
            if msg.role == "assistant":
                blocks = self._assistant(msg, thinking)
                if blocks:
                    out.append({"role": "assistant", "content": blocks})
                continue
            if msg.role == "tool":
                block: dict[str, Any] = {
                    "type": "tool_result",
                    "tool_use_id": msg.tool_call_id or "",
                    "content": msg.content,
                }
                if msg.is_error:
                    block["is_error"] = True
            elif msg.content:
                block = {"type": "text", "text": msg.content}
            else:
                continue  # the API refuses empty text blocks
            if out and out[-1]["role"] == "user":
                out[-1]["content"].append(block)
            else:
                out.append({"role": "user", "content": [block]})
        # A second cache breakpoint on the newest turn lets a tool loop reuse the whole prefix.
        if out and out[-1]["content"] and out[-1]["content"][-1]["type"] != "thinking":
            out[-1]["content"][-1]["cache_control"] = _EPHEMERAL
        return out

    def _can_think(self, request: ModelRequest) -> bool:
        """Thinking is on unless a tool loop is under way whose thinking blocks we lack."""
        if request.thinking == "off":
            return False
        for msg in reversed(request.messages):
            if msg.role == "user":
                return True
            if msg.role == "assistant" and msg.tool_calls:
                return msg.tool_calls[0].id in self._thinking_blocks
        return True

    def _tool_choice(self, request: ModelRequest) -> dict[str, str] | None:
        """The ``tool_choice`` block, or None for the API's default (``auto``)."""
        forced = forced_tool(request, self.name)
        if not request.tools:
            return None
        if forced is not None:
            return {"type": "tool", "name": forced.name}
        wire = {"auto": None, "required": "any", "none": "none"}[request.tool_choice]
        return None if wire is None else {"type": wire}

    def build_payload(self, request: ModelRequest) -> dict[str, object]:
        """Translate a :class:`ModelRequest` into the Messages API JSON body.

        Args:
            request: the model call.

        Returns:
            The request body; the system prompt is a cached block. A forced tool call
            (``required`` or ``force_tool``) turns extended thinking off, as the API requires.

        Raises:
            ProviderError: ``tool_choice`` or ``force_tool`` does not fit the tools.
        """
        choice = self._tool_choice(request)
        forcing = choice is not None and choice["type"] in ("any", "tool")
        thinking = self._can_think(request) and not forcing
        s = request.sampling
        max_tokens = s.max_tokens or DEFAULT_MAX_TOKENS
        payload: dict[str, object] = {
            "model": request.model,
            "messages": self._messages(request, thinking),
            "max_tokens": max_tokens,
            "stream": True,
        }
        system = "\n\n".join(m.content for m in request.messages if m.role == "system")
        if system:
            payload["system"] = [{"type": "text", "text": system, "cache_control": _EPHEMERAL}]
        if request.tools:
            payload["tools"] = [
                {"name": t.name, "description": t.description, "input_schema": t.parameters}
                for t in request.tools
            ]
        if choice is not None:
            payload["tool_choice"] = choice
        if thinking:
            budget = THINKING_BUDGETS[request.thinking]
            payload["thinking"] = {"type": "enabled", "budget_tokens": budget}
            payload["max_tokens"] = max(max_tokens, budget + 4096)
        else:
            # Extended thinking forbids a custom temperature and top_k.
            fields = {"temperature": s.temperature, "top_k": s.top_k}
            payload |= {k: v for k, v in fields.items() if v is not None}
        if s.top_p is not None:
            payload["top_p"] = s.top_p
        return payload

    async def stream(self, request: ModelRequest) -> AsyncIterator[StreamPart]:
        """Stream the reply to ``request``.

        Args:
            request: the model call.

        Yields:
            Text and thinking deltas, complete tool calls, one :class:`Usage`, then :class:`Stop`.

        Raises:
            ProviderError: the vendor refused the call, sent an error event, or the connection
                failed.
        """
        secrets = (self._api_key,)
        blocks: dict[int, dict[str, Any]] = {}
        thinking: list[dict[str, Any]] = []
        calls: list[ToolCall] = []
        counts: dict[str, int] = {}
        stop: StopReason = "end"
        async with open_stream(
            self.http,
            f"{self.base_url}/v1/messages",
            provider=self.name,
            payload=self.build_payload(request),
            headers=self._auth_headers(),
            model=request.model,
            secrets=secrets,
        ) as response:
            async for event in iter_sse(response):
                data = decode_chunk(self.name, event.data)
                kind = data.get("type", event.event)
                if kind == "error":
                    raise error_from_body(
                        self.name, None, data, model=request.model, secrets=secrets
                    )
                if kind == "message_start":
                    counts |= _counts(data.get("message", {}).get("usage") or {})
                elif kind == "message_delta":
                    counts |= _counts(data.get("usage") or {})
                    reason = (data.get("delta") or {}).get("stop_reason")
                    stop = _STOP.get(reason or "end_turn", "end")
                elif kind == "content_block_start":
                    block = dict(data.get("content_block") or {})
                    block["_json"] = []
                    blocks[data.get("index", len(blocks))] = block
                elif kind == "content_block_delta":
                    block = blocks.setdefault(data.get("index", 0), {"type": "text", "_json": []})
                    part = self._delta(block, data.get("delta") or {})
                    if part is not None:
                        yield part
                elif kind == "content_block_stop":
                    block = blocks.pop(data.get("index", 0), {})
                    if block.get("type") == "tool_use":
                        args = decode_arguments("".join(block["_json"]) or block.get("input"))
                        call = ToolCall(id=block["id"], name=block["name"], arguments=args)
                        calls.append(call)
                        yield ToolCallPart(call)
                    elif block.get("type") in ("thinking", "redacted_thinking"):
                        block.pop("_json")
                        thinking.append(block)
                elif kind == "message_stop":
                    break
        if calls and thinking:
            self._thinking_blocks[calls[0].id] = thinking
            while len(self._thinking_blocks) > _REMEMBERED:
                self._thinking_blocks.pop(next(iter(self._thinking_blocks)))
        yield Usage(
            input_tokens=counts.get("input_tokens", 0),
            output_tokens=counts.get("output_tokens", 0),
            cache_read_tokens=counts.get("cache_read_input_tokens", 0),
            cache_write_tokens=counts.get("cache_creation_input_tokens", 0),
        )
        yield Stop("tool_calls" if calls and stop == "end" else stop)

    @staticmethod
    def _delta(block: dict[str, Any], delta: dict[str, Any]) -> StreamPart | None:
        kind = delta.get("type")
        if kind == "text_delta":
            return TextDelta(delta.get("text", "")) if delta.get("text") else None
        if kind == "thinking_delta":
            block["thinking"] = block.get("thinking", "") + delta.get("thinking", "")
            return ThinkingDelta(delta["thinking"]) if delta.get("thinking") else None
        if kind == "signature_delta":
            block["signature"] = block.get("signature", "") + delta.get("signature", "")
        elif kind == "input_json_delta":
            block["_json"].append(delta.get("partial_json", ""))
        return None

    async def list_models(self) -> list[str]:
        """List the model ids the vendor offers (``GET {base_url}/v1/models``, all pages).

        Returns:
            Sorted model ids.

        Raises:
            ProviderError: the call failed.
        """
        ids: list[str] = []
        params = {"limit": "1000"}
        while True:
            body = await get_json(
                self.http,
                f"{self.base_url}/v1/models",
                provider=self.name,
                headers=self._auth_headers(),
                params=params,
                secrets=(self._api_key,),
            )
            if not isinstance(body, dict):
                break
            ids += [str(row["id"]) for row in body.get("data", []) if "id" in row]
            if not body.get("has_more") or not body.get("last_id"):
                break
            params = {"limit": "1000", "after_id": str(body["last_id"])}
        return sorted(ids)


def _counts(raw: dict[str, Any]) -> dict[str, int]:
    keys = (
        "input_tokens",
        "output_tokens",
        "cache_read_input_tokens",
        "cache_creation_input_tokens",
    )
    return {k: int(raw[k]) for k in keys if isinstance(raw.get(k), int)}
