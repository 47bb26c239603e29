"""OpenAPI details Litestar cannot infer: responses that are JSON or a stream, per request."""

from __future__ import annotations

from dataclasses import dataclass

from litestar.openapi.spec import OpenAPIMediaType, OpenAPIResponse, Operation, Schema

__all__ = ["NDJSON_OR_JSON", "SSE_OR_JSON"]


def _with_stream(media_type: str) -> type[Operation]:
    @dataclass
    class StreamOrJson(Operation):
        """The 200 response is JSON, or a ``media_type`` stream when the body asks to stream."""

        def __post_init__(self) -> None:
            ok = (self.responses or {}).get("200")
            if isinstance(ok, OpenAPIResponse):
                ok.content = dict(ok.content or {})
                ok.content[media_type] = OpenAPIMediaType(
                    schema=Schema(description="One JSON object per event")
                )

    StreamOrJson.__name__ = StreamOrJson.__qualname__ = f"Operation_{media_type.split('/')[-1]}"
    return StreamOrJson


#: Operation class for OpenAI / Anthropic routes (``stream: true`` answers SSE).
SSE_OR_JSON = _with_stream("text/event-stream")
#: Operation class for Ollama routes (``stream`` defaults to true and answers NDJSON).
NDJSON_OR_JSON = _with_stream("application/x-ndjson")
