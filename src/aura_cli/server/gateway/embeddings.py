"""``POST /v1/embeddings``: OpenAI-shaped embeddings from the local all-MiniLM-L6-v2 model."""

from __future__ import annotations

import array
import asyncio
import base64
from typing import Annotated, Literal

import msgspec
from litestar import Controller, post
from litestar.params import JSONBody

from aura_cli.server.errors import ERRORS
from aura_core.errors import NotFoundError, UsageError

__all__ = ["EMBEDDING_MODELS", "EmbeddingsController", "EmbeddingsIn"]

#: Names a client may use for the local model (the first is the one reported back).
EMBEDDING_MODELS = (
    "all-MiniLM-L6-v2",
    "sentence-transformers/all-MiniLM-L6-v2",
    "local:all-MiniLM-L6-v2",
    "local",
)
_DIMENSIONS = 384
InputText = Annotated[str, msgspec.Meta(max_length=200_000)]


class EmbeddingsIn(msgspec.Struct, kw_only=True):
    """OpenAI's embeddings request (token-array inputs are not supported)."""

    input: InputText | Annotated[list[InputText], msgspec.Meta(min_length=1, max_length=2048)]
    model: Annotated[str, msgspec.Meta(max_length=500)] = EMBEDDING_MODELS[0]
    encoding_format: Literal["float", "base64"] = "float"
    dimensions: Annotated[int, msgspec.Meta(ge=1)] | None = None
    user: Annotated[str, msgspec.Meta(max_length=500)] | None = None


def _check(data: EmbeddingsIn) -> None:
    if data.model not in EMBEDDING_MODELS:
        raise NotFoundError(
            f"unknown embedding model: {data.model} (this server embeds with {EMBEDDING_MODELS[0]})"
        )
    if data.dimensions is not None and data.dimensions != _DIMENSIONS:
        raise UsageError(
            f"{EMBEDDING_MODELS[0]} gives {_DIMENSIONS} dimensions, not {data.dimensions}"
        )


def _encoded(vector: list[float], encoding: str) -> list[float] | str:
    if encoding == "float":
        return vector
    # OpenAI's base64 form: little-endian float32 values (what the openai client asks for).
    return base64.b64encode(array.array("f", vector).tobytes()).decode("ascii")


def _run(texts: list[str]) -> tuple[list[list[float]], int]:
    from aura_core.inference.embeddings import embedder

    return embedder().embed(texts)


class EmbeddingsController(Controller):
    """The OpenAI embeddings endpoint, served by a local model."""

    tags = ["gateway: openai"]

    @post(
        "/v1/embeddings",
        responses=ERRORS,
        status_code=200,
        summary="OpenAI embeddings (local all-MiniLM-L6-v2, 384 dimensions)",
    )
    async def embeddings(self, data: JSONBody[EmbeddingsIn]) -> dict[str, object]:
        """Unit-length vectors for ``input`` (a string or a list of strings), in order.

        Raises:
            NotFoundError: a model other than the local embedding model.
            UsageError: ``dimensions`` other than 384.
        """
        _check(data)
        texts = [data.input] if isinstance(data.input, str) else list(data.input)
        # The encoder runs NumPy for tens of milliseconds: keep the event loop free.
        vectors, tokens = await asyncio.to_thread(_run, texts)
        return {
            "object": "list",
            "data": [
                {"object": "embedding", "index": i, "embedding": _encoded(v, data.encoding_format)}
                for i, v in enumerate(vectors)
            ],
            "model": EMBEDDING_MODELS[0],
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
        }
