"""The Ollama native wire adapter: ``POST /api/chat`` streaming NDJSON."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

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
    new_call_id,
    open_stream,
)
from aura_core.providers.sse import decode_chunk

__all__ = ["OllamaProvider"]

_DONE: dict[str, StopReason] = {"stop": "end", "length": "max_tokens", "load": "end"}


def _message(msg: Message, names: dict[str, str]) -> dict[str, object]:
    out: dict[str, object] = {"role": msg.role, "content": msg.content}
    if msg.role == "assistant" and msg.tool_calls:
        out["tool_calls"] = [
            {"function": {"name": c.name, "arguments": c.arguments}} for c in msg.tool_calls
        ]
    if msg.role == "tool":
        out["tool_name"] = msg.name or names.get(msg.tool_call_id or "", "tool")
    return out


class OllamaProvider(HttpAdapter):
    """Streams from a local (or remote) Ollama server's native chat endpoint.

    Attributes:
        name: the provider's id, usually ``ollama``.
        base_url: the server root, e.g. ``http://127.0.0.1:11434``.
    """

    strip_suffixes = ("/api", "/v1")

    def build_payload(self, request: ModelRequest) -> dict[str, object]:
        """Translate a :class:`ModelRequest` into the ``/api/chat`` JSON body.

        Ollama has no ``tool_choice``: with ``none`` the tools are left out, while
        ``required`` and ``force_tool`` send the tools as for ``auto`` (the model may still
        answer in text).

        Args:
            request: the model call.

        Returns:
            The request body, streaming.

        Raises:
            ProviderError: ``tool_choice`` or ``force_tool`` does not fit the tools.
        """
        forced_tool(request, self.name)  # validated like every adapter, though not sendable
        names = {c.id: c.name for m in request.messages for c in m.tool_calls}
        payload: dict[str, object] = {
            "model": request.model,
            "messages": [_message(m, names) for m in request.messages],
            "stream": True,
        }
        if request.tools and request.tool_choice != "none":
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
        if request.thinking != "off":
            # gpt-oss takes an effort level; other thinking models take a boolean.
            gpt_oss = request.model.startswith("gpt-oss")
            payload["think"] = request.thinking if gpt_oss else True
        s = request.sampling
        fields = {
            "temperature": s.temperature,
            "top_p": s.top_p,
            "top_k": s.top_k,
            "min_p": s.min_p,
            "repeat_penalty": s.repeat_penalty,
            "num_predict": s.max_tokens,
            "seed": s.seed,
        }
        options = {k: v for k, v in fields.items() if v is not None}
        if options:
            payload["options"] = options
        return payload

    async def stream(self, request: ModelRequest) -> AsyncIterator[StreamPart]:
        """Stream the reply to ``request``.

        Args:
            request: the model call.

        Yields:
            Text and thinking deltas, complete tool calls, one :class:`Usage`, then :class:`Stop`.

        Raises:
            ProviderError: the server refused the call or could not be reached.
        """
        secrets = (self._api_key,)
        last: dict[str, Any] = {}
        calls = 0
        async with open_stream(
            self.http,
            f"{self.base_url}/api/chat",
            provider=self.name,
            payload=self.build_payload(request),
            headers=self._auth_headers(),
            model=request.model,
            secrets=secrets,
        ) as response:
            async for line in response.aiter_lines():
                if not line.strip():
                    continue
                chunk = decode_chunk(self.name, line)
                if chunk.get("error"):
                    raise error_from_body(
                        self.name, None, chunk, model=request.model, secrets=secrets
                    )
                message = chunk.get("message") or {}
                if message.get("thinking"):
                    yield ThinkingDelta(message["thinking"])
                if message.get("content"):
                    yield TextDelta(message["content"])
                for raw in message.get("tool_calls") or []:
                    fn = raw.get("function") or {}
                    calls += 1
                    yield ToolCallPart(
                        ToolCall(
                            id=str(raw.get("id") or new_call_id()),
                            name=str(fn.get("name", "")),
                            arguments=decode_arguments(fn.get("arguments")),
                        )
                    )
                if chunk.get("done"):
                    last = chunk
                    break
        yield Usage(
            input_tokens=int(last.get("prompt_eval_count") or 0),
            output_tokens=int(last.get("eval_count") or 0),
        )
        yield Stop("tool_calls" if calls else _DONE.get(last.get("done_reason") or "stop", "end"))

    async def list_models(self) -> list[str]:
        """List the models pulled on the server (``GET {base_url}/api/tags``).

        Returns:
            Sorted model names such as ``llama3.2:latest``.

        Raises:
            ProviderError: the server could not be reached or answered with an error.
        """
        body = await get_json(
            self.http,
            f"{self.base_url}/api/tags",
            provider=self.name,
            headers=self._auth_headers(),
            secrets=(self._api_key,),
        )
        rows = body.get("models", []) if isinstance(body, dict) else []
        return sorted(str(row.get("name") or row.get("model")) for row in rows)
