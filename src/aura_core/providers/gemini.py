"""The Google Gemini wire adapter: ``streamGenerateContent`` over SSE."""

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
    ThinkingLevel,
    ToolCallPart,
    Usage,
    forced_tool,
)
from aura_core.providers.http import (
    error_from_body,
    get_json,
    iter_sse,
    new_call_id,
    open_stream,
)
from aura_core.providers.sse import decode_chunk

__all__ = ["THINKING_BUDGETS", "GeminiProvider"]

THINKING_BUDGETS: dict[ThinkingLevel, int] = {"low": 1024, "medium": 8192, "high": 24576}
"""``thinkingConfig.thinkingBudget`` per thinking level."""

SKIP_SIGNATURE = "skip_thought_signature_validator"
"""Google's documented stand-in when a function call's thought signature was not kept."""

_FINISH: dict[str, StopReason] = {"STOP": "end", "MAX_TOKENS": "max_tokens"}
_REMEMBERED = 512  # function calls whose thought signatures are kept for replay


class GeminiProvider(HttpAdapter):
    """Streams from ``POST {base_url}/models/{model}:streamGenerateContent?alt=sse``.

    Gemini sends no tool-call ids, so this adapter makes them, and remembers each call's
    ``thoughtSignature`` so the next request of a tool loop can send it back.

    Attributes:
        name: the provider's id, e.g. ``google``.
        base_url: the API root including the version, e.g. ``…/v1beta``.
    """

    auth_header = "x-goog-api-key"
    auth_prefix = ""

    def _init_state(self) -> None:
        self._signatures: dict[str, str] = {}

    def _model_parts(self, msg: Message, model: str) -> list[dict[str, Any]]:
        parts: list[dict[str, Any]] = [{"text": msg.content}] if msg.content else []
        # Gemini 3 and later reject a replayed function call without its signature.
        strict = not model.startswith(("gemini-1", "gemini-2"))
        for i, call in enumerate(msg.tool_calls):
            part: dict[str, Any] = {"functionCall": {"name": call.name, "args": call.arguments}}
            signature = self._signatures.get(call.id)
            if signature is None and strict and i == 0:
                signature = SKIP_SIGNATURE
            if signature:
                part["thoughtSignature"] = signature
            parts.append(part)
        return parts

    def _contents(self, request: ModelRequest) -> list[dict[str, Any]]:
        names = {c.id: c.name for m in request.messages for c in m.tool_calls}
        out: list[dict[str, Any]] = []
        for msg in request.messages:
            if msg.role == "system":
                continue
            if msg.role == "assistant":
                role, parts = "model", self._model_parts(msg, request.model)
            elif msg.role == "tool":
                name = msg.name or names.get(msg.tool_call_id or "", "tool")
                key = "error" if msg.is_error else "result"
                role = "user"
                parts = [{"functionResponse": {"name": name, "response": {key: msg.content}}}]
            else:
                role, parts = "user", [{"text": msg.content}] if msg.content else []
            if not parts:
                continue
            if out and out[-1]["role"] == role:
                out[-1]["parts"] += parts
            else:
                out.append({"role": role, "parts": parts})
        return out

    def build_payload(self, request: ModelRequest) -> dict[str, object]:
        """Translate a :class:`ModelRequest` into the ``generateContent`` JSON body.

        Args:
            request: the model call.

        Returns:
            The request body.

        Raises:
            ProviderError: ``tool_choice`` or ``force_tool`` does not fit the tools.
        """
        payload: dict[str, object] = {"contents": self._contents(request)}
        system = "\n\n".join(m.content for m in request.messages if m.role == "system")
        if system:
            payload["systemInstruction"] = {"parts": [{"text": system}]}
        if request.tools:
            payload["tools"] = [
                {
                    "functionDeclarations": [
                        {
                            "name": t.name,
                            "description": t.description,
                            "parametersJsonSchema": t.parameters,
                        }
                        for t in request.tools
                    ]
                }
            ]
            forced = forced_tool(request, self.name)
            if forced is not None:
                calling: dict[str, object] = {"mode": "ANY", "allowedFunctionNames": [forced.name]}
                payload["toolConfig"] = {"functionCallingConfig": calling}
            elif request.tool_choice != "auto":
                mode = "ANY" if request.tool_choice == "required" else "NONE"
                payload["toolConfig"] = {"functionCallingConfig": {"mode": mode}}
        s = request.sampling
        fields = {
            "temperature": s.temperature,
            "topP": s.top_p,
            "topK": s.top_k,
            "maxOutputTokens": s.max_tokens,
            "seed": s.seed,
        }
        config: dict[str, object] = {k: v for k, v in fields.items() if v is not None}
        if request.thinking != "off":
            config["thinkingConfig"] = {
                "thinkingBudget": THINKING_BUDGETS[request.thinking],
                "includeThoughts": True,
            }
        if config:
            payload["generationConfig"] = config
        return payload

    async def stream(self, request: ModelRequest) -> AsyncIterator[StreamPart]:
        """Stream the reply to ``request``.

        Args:
            request: the model call.

        Yields:
            Text and thought deltas, complete function calls, one :class:`Usage`, then
            :class:`Stop`.

        Raises:
            ProviderError: the vendor refused the call or the connection failed.
        """
        secrets = (self._api_key,)
        usage: dict[str, Any] = {}
        finish = "STOP"
        calls = 0
        model = request.model.removeprefix("models/")
        async with open_stream(
            self.http,
            f"{self.base_url}/models/{model}:streamGenerateContent?alt=sse",
            provider=self.name,
            payload=self.build_payload(request),
            headers=self._auth_headers(),
            model=request.model,
            secrets=secrets,
        ) as response:
            async for event in iter_sse(response):
                chunk = decode_chunk(self.name, event.data)
                if chunk.get("error"):
                    raise error_from_body(
                        self.name, None, chunk, model=request.model, secrets=secrets
                    )
                usage = chunk.get("usageMetadata") or usage
                if (chunk.get("promptFeedback") or {}).get("blockReason"):
                    finish = "BLOCKED"
                for candidate in (chunk.get("candidates") or [])[:1]:
                    for part in (candidate.get("content") or {}).get("parts") or []:
                        out = self._part(part)
                        calls += isinstance(out, ToolCallPart)
                        if out is not None:
                            yield out
                    finish = candidate.get("finishReason") or finish
        cached = int(usage.get("cachedContentTokenCount") or 0)
        yield Usage(
            input_tokens=max(0, int(usage.get("promptTokenCount") or 0) - cached),
            output_tokens=int(usage.get("candidatesTokenCount") or 0)
            + int(usage.get("thoughtsTokenCount") or 0),
            cache_read_tokens=cached,
        )
        yield Stop("tool_calls" if calls else _FINISH.get(finish, "error"))

    def _part(self, part: dict[str, Any]) -> StreamPart | None:
        if "functionCall" in part:
            fn = part["functionCall"] or {}
            call = ToolCall(
                id=str(fn.get("id") or new_call_id()),
                name=str(fn.get("name", "")),
                arguments=dict(fn.get("args") or {}),
            )
            if part.get("thoughtSignature"):
                self._signatures[call.id] = part["thoughtSignature"]
                while len(self._signatures) > _REMEMBERED:
                    self._signatures.pop(next(iter(self._signatures)))
            return ToolCallPart(call)
        text = part.get("text")
        if not text:
            return None
        return ThinkingDelta(text) if part.get("thought") else TextDelta(text)

    async def list_models(self) -> list[str]:
        """List the models that can generate content (``GET {base_url}/models``, all pages).

        Returns:
            Sorted model ids without the ``models/`` prefix.

        Raises:
            ProviderError: the call failed.
        """
        ids: list[str] = []
        params = {"pageSize": "1000"}
        while True:
            body = await get_json(
                self.http,
                f"{self.base_url}/models",
                provider=self.name,
                headers=self._auth_headers(),
                params=params,
                secrets=(self._api_key,),
            )
            if not isinstance(body, dict):
                break
            for row in body.get("models", []):
                methods = row.get("supportedGenerationMethods") or ["generateContent"]
                if "generateContent" in methods:
                    ids.append(str(row.get("name", "")).removeprefix("models/"))
            if not body.get("nextPageToken"):
                break
            params = {"pageSize": "1000", "pageToken": str(body["nextPageToken"])}
        return sorted(ids)
