"""The OpenAI chat-completions wire adapter, shared by every OpenAI-compatible vendor."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
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
    ToolCallPart,
    Usage,
    forced_tool,
)
from aura_core.providers.http import (
    decode_arguments,
    error_from_body,
    get_json,
    iter_sse,
    new_call_id,
    open_stream,
)
from aura_core.providers.sse import decode_chunk

__all__ = ["OpenAIChatProvider"]

_FINISH: dict[str, StopReason] = {
    "stop": "end",
    "tool_calls": "tool_calls",
    "function_call": "tool_calls",
    "length": "max_tokens",
    "content_filter": "error",
}


@dataclass(slots=True)
class _PendingCall:
    id: str = ""
    name: str = ""
    arguments: list[str] = field(default_factory=list)


def _message(msg: Message) -> dict[str, object]:
    if msg.role == "tool":
        return {"role": "tool", "tool_call_id": msg.tool_call_id or "", "content": msg.content}
    out: dict[str, object] = {"role": msg.role, "content": msg.content}
    if msg.role == "assistant" and msg.tool_calls:
        out["content"] = msg.content or None
        out["tool_calls"] = [
            {
                "id": call.id,
                "type": "function",
                "function": {"name": call.name, "arguments": json.dumps(call.arguments)},
            }
            for call in msg.tool_calls
        ]
    return out


class OpenAIChatProvider(HttpAdapter):
    """Streams from ``POST {base_url}/chat/completions`` (OpenAI, DeepSeek, Groq, vLLM, …).

    Attributes:
        name: the provider's id, e.g. ``openai`` or ``groq``.
        base_url: the API root including ``/v1``.
    """

    base_headers: ClassVar[dict[str, str]] = {"Accept": "text/event-stream"}

    def _init_state(self) -> None:
        # OpenAI itself rejects non-standard sampling fields; compatible servers accept them.
        self._strict = "api.openai.com" in self.base_url

    def build_payload(self, request: ModelRequest) -> dict[str, object]:
        """Translate a :class:`ModelRequest` into the chat-completions JSON body.

        Args:
            request: the model call.

        Returns:
            The request body, streaming with a final usage chunk.

        Raises:
            ProviderError: ``tool_choice`` or ``force_tool`` does not fit the tools.
        """
        payload: dict[str, object] = {
            "model": request.model,
            "messages": [_message(m) for m in request.messages],
            "stream": True,
            "stream_options": {"include_usage": True},
        }
        if request.tools:
            payload["tools"] = [
                {
                    "type": "function",
                    "function": {
                        "name": t.name,
                        "description": t.description,
                        "parameters": t.parameters,
                    },
                }
                for t in request.tools
            ]
            forced = forced_tool(request, self.name)
            if forced is not None:
                payload["tool_choice"] = {"type": "function", "function": {"name": forced.name}}
            elif request.tool_choice != "auto":  # "auto" is the default; some servers reject it
                payload["tool_choice"] = request.tool_choice
        s = request.sampling
        fields: dict[str, object | None] = {
            "temperature": s.temperature,
            "top_p": s.top_p,
            "seed": s.seed,
            "max_completion_tokens" if self._strict else "max_tokens": s.max_tokens,
        }
        if not self._strict:
            fields |= {"top_k": s.top_k, "min_p": s.min_p, "repetition_penalty": s.repeat_penalty}
        payload |= {k: v for k, v in fields.items() if v is not None}
        if request.thinking != "off":
            payload["reasoning_effort"] = request.thinking
        return payload

    async def stream(self, request: ModelRequest) -> AsyncIterator[StreamPart]:
        """Stream the reply to ``request``.

        Args:
            request: the model call.

        Yields:
            Text and reasoning deltas, complete tool calls, one :class:`Usage`, then :class:`Stop`.

        Raises:
            ProviderError: the vendor refused the call or the connection failed.
        """
        client = self.http
        pending: dict[int, _PendingCall] = {}
        usage: Usage | None = None
        finish: str | None = None
        async with open_stream(
            client,
            f"{self.base_url}/chat/completions",
            provider=self.name,
            payload=self.build_payload(request),
            headers=self._auth_headers(),
            model=request.model,
            secrets=(self._api_key,),
        ) as response:
            async for event in iter_sse(response):
                if event.data.strip() == "[DONE]":
                    continue  # read to the end so the pooled connection can be reused
                chunk = decode_chunk(self.name, event.data)
                if chunk.get("error"):
                    raise error_from_body(
                        self.name, None, chunk, model=request.model, secrets=(self._api_key,)
                    )
                if chunk.get("usage"):
                    usage = _usage(chunk["usage"])
                for choice in chunk.get("choices") or []:
                    delta = choice.get("delta") or {}
                    reasoning = delta.get("reasoning_content") or delta.get("reasoning")
                    if isinstance(reasoning, str) and reasoning:
                        yield ThinkingDelta(reasoning)
                    if delta.get("content"):
                        yield TextDelta(delta["content"])
                    for frag in delta.get("tool_calls") or []:
                        call = pending.setdefault(frag.get("index", len(pending)), _PendingCall())
                        call.id = frag.get("id") or call.id
                        fn = frag.get("function") or {}
                        call.name = fn.get("name") or call.name
                        if fn.get("arguments"):
                            call.arguments.append(fn["arguments"])
                    finish = choice.get("finish_reason") or finish
        for index in sorted(pending):
            call = pending[index]
            args = decode_arguments("".join(call.arguments))
            yield ToolCallPart(
                ToolCall(id=call.id or new_call_id(), name=call.name, arguments=args)
            )
        yield usage or Usage()
        reason = _FINISH.get(finish or "stop", "end")
        yield Stop("tool_calls" if pending and reason == "end" else reason)

    async def list_models(self) -> list[str]:
        """List the model ids the vendor offers (``GET {base_url}/models``).

        Returns:
            Sorted model ids.

        Raises:
            ProviderError: the call failed.
        """
        body = await get_json(
            self.http,
            f"{self.base_url}/models",
            provider=self.name,
            headers=self._auth_headers(),
            secrets=(self._api_key,),
        )
        rows = body.get("data", []) if isinstance(body, dict) else []
        return sorted(str(row["id"]) for row in rows if isinstance(row, dict) and "id" in row)


def _usage(raw: dict[str, Any]) -> Usage:
    """Split prompt tokens into uncached input and cache reads (OpenAI and DeepSeek spellings)."""
    prompt = int(raw.get("prompt_tokens") or 0)
    details = raw.get("prompt_tokens_details") or {}
    cached = int((details.get("cached_tokens") if isinstance(details, dict) else 0) or 0)
    cached = cached or int(raw.get("prompt_cache_hit_tokens") or 0)
    return Usage(
        input_tokens=max(0, prompt - cached),
        output_tokens=int(raw.get("completion_tokens") or 0),
        cache_read_tokens=cached,
    )
