"""Grammar-constrained decoding on llama.cpp that stays fast.

One grammar per tool set: ``Action: `` followed by JSON that is exactly
``{"name": <a tool>, "arguments": <that tool's schema>}``, or ``Answer:`` followed by free
text; a *required* grammar has no Answer branch (``tool_choice="required"``, or a forced
tool passed as the only tool). llguidance holds the grammar. Three things keep it fast on a 262k-token vocabulary:

1. the token is sampled from the raw logits by llama.cpp's own sampler and the matcher only
   *validates* that one token; the full token mask is computed only when it is rejected;
2. bytes the grammar forces (``{"name": "``, ``", "arguments": {``, property names...) are
   appended as tokens in one batched eval instead of being sampled one by one;
3. compiled grammars are cached per tool set (and required flag) and copied per request.

Once ``Answer:`` is chosen the matcher is dropped and the rest decodes unconstrained.
"""

from __future__ import annotations

import codecs
import copy
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from aura_core.errors import ProviderError
from aura_core.inference.prompting import ACTION_PREFIX, ANSWER_PREFIX
from aura_core.messages import ToolSpec

if TYPE_CHECKING:
    import llguidance
    import numpy as np
    from llama_cpp import Llama

__all__ = [
    "DecodeResult",
    "Decoder",
    "GrammarCache",
    "SamplingParams",
    "tool_call_grammar",
    "tool_call_schema",
]

TurnKind = Literal["action", "answer", "text"]
DecodeStop = Literal["end", "tool_calls", "max_tokens", "cancelled"]

_JSON_OPTIONS = {
    "whitespace_flexible": False,
    "item_separator": ", ",
    "key_separator": ": ",
    "lenient": True,
}


def _closed(schema: dict[str, object]) -> dict[str, object]:
    """A tool's parameter schema as an object that admits no undeclared keys."""
    out = copy.deepcopy(schema) if schema else {}
    if "type" not in out and "anyOf" not in out and "oneOf" not in out:
        out["type"] = "object"
    if out.get("type") == "object":
        out.setdefault("properties", {})
        out.setdefault("additionalProperties", False)
    return out


def tool_call_schema(tools: list[ToolSpec]) -> dict[str, object]:
    """The JSON schema of one call to one of ``tools``: an ``anyOf`` with one branch a tool.

    Args:
        tools: the tools the model may call (at least one).

    Returns:
        A schema matching exactly ``{"name": <tool name>, "arguments": <its parameters>}``.
    """
    branches = [
        {
            "type": "object",
            "properties": {"name": {"const": t.name}, "arguments": _closed(t.parameters)},
            "required": ["name", "arguments"],
            "additionalProperties": False,
        }
        for t in tools
    ]
    return {"anyOf": branches, "x-guidance": _JSON_OPTIONS}


def tool_call_grammar(tools: list[ToolSpec], *, required: bool = False) -> str:
    """The llguidance (Lark-like) grammar of a model turn: one Action or one Answer.

    Args:
        tools: the tools the model may call (at least one).
        required: leave out the Answer branch, so the turn is always one Action.

    Returns:
        The grammar text.
    """
    schema = json.dumps(tool_call_schema(tools), ensure_ascii=False)
    action = f"action: %json {schema}\n"
    if required:
        return f"start: {json.dumps(ACTION_PREFIX)} action\n" + action
    return (
        f"start: {json.dumps(ACTION_PREFIX)} action | {json.dumps(ANSWER_PREFIX)} ANSWER\n"
        + action
        + "ANSWER: /(.|\\n)*/\n"
    )


class GrammarCache:
    """Compiled tool-call grammars for one tokenizer, keyed by the tool set and required flag."""

    def __init__(self, tokenizer: llguidance.LLTokenizer, size: int = 32) -> None:
        self._tokenizer = tokenizer
        self._size = size
        self._lock = threading.Lock()
        self._matchers: OrderedDict[str, llguidance.LLMatcher] = OrderedDict()

    def matcher(self, tools: list[ToolSpec], *, required: bool = False) -> llguidance.LLMatcher:
        """A fresh matcher for ``tools`` (a copy of the cached, compiled one).

        Args:
            tools: the tools the model may call; pass only the forced one to force it.
            required: whether the turn must be an Action (see :func:`tool_call_grammar`).

        Returns:
            A matcher ready for a new turn.

        Raises:
            ProviderError: a tool's schema cannot be turned into a grammar.
        """
        import llguidance

        key = json.dumps(
            [required, [[t.name, t.parameters] for t in tools]], sort_keys=True, default=str
        )
        with self._lock:
            template = self._matchers.get(key)
            if template is None:
                lark = tool_call_grammar(tools, required=required)
                grammar = llguidance.LLMatcher.grammar_from_lark(lark)
                template = llguidance.LLMatcher(self._tokenizer, grammar, log_level=0)
                if template.is_error():
                    raise ProviderError(
                        f"tool schemas cannot be constrained: {template.get_error()}",
                        kind="bad_request",
                        provider="local",
                    )
                self._matchers[key] = template
                while len(self._matchers) > self._size:
                    self._matchers.popitem(last=False)
            self._matchers.move_to_end(key)
            return template.deep_copy()


@dataclass(slots=True)
class SamplingParams:
    """Sampling for one local generation (already merged with the settings' defaults)."""

    temperature: float = 0.2
    top_p: float = 0.95
    top_k: int = 40
    min_p: float = 0.05
    repeat_penalty: float = 1.1
    max_tokens: int = 512
    seed: int | None = None


@dataclass(slots=True)
class DecodeResult:
    """What one generation produced.

    Attributes:
        kind: ``action`` (a tool call's JSON is in ``text``), ``answer`` or plain ``text``.
        text: the JSON of the call, or the full reply text.
        reason: why decoding stopped.
        prompt_tokens: tokens in the prompt.
        output_tokens: tokens emitted, forced ones included.
        forced_tokens: how many of those the grammar forced (fast-forwarded).
        masked_steps: how many sampled tokens the grammar rejected (full mask computed).
    """

    kind: TurnKind
    text: str
    reason: DecodeStop
    prompt_tokens: int
    output_tokens: int
    forced_tokens: int = 0
    masked_steps: int = 0


class _StopScanner:
    """Streams text while holding back anything that may be the start of a stop string."""

    def __init__(self, stops: tuple[str, ...], strip_leading: bool) -> None:
        self._stops = tuple(s for s in stops if s)
        self._pending = ""
        self._strip = strip_leading
        self.text = ""

    def feed(self, piece: str) -> tuple[str, bool]:
        """Add ``piece``; return the text safe to show and whether a stop string appeared."""
        buf = self._pending + piece
        if self._strip:
            buf = buf.lstrip()
            self._strip = not buf
        cut = min((i for i in (buf.find(s) for s in self._stops) if i >= 0), default=-1)
        if cut >= 0:
            self._pending = ""
            self.text += buf[:cut]
            return buf[:cut], True
        hold = 0
        for stop in self._stops:
            for n in range(min(len(stop) - 1, len(buf)), hold, -1):
                if buf.endswith(stop[:n]):
                    hold = n
                    break
        out, self._pending = buf[: len(buf) - hold], buf[len(buf) - hold :]
        self.text += out
        return out, False

    def flush(self) -> str:
        """Release what was held back (the reply ended without a stop string)."""
        out, self._pending = self._pending, ""
        self.text += out
        return out


def _pick(
    logits: np.ndarray, allowed: np.ndarray, p: SamplingParams, rng: np.random.Generator
) -> int:
    """Sample among ``allowed`` token ids with temperature, top-k, min-p and top-p."""
    import numpy as np

    vals = logits[allowed].astype(np.float64)
    if p.temperature <= 0 or len(allowed) == 1:
        return int(allowed[int(np.argmax(vals))])
    if 0 < p.top_k < len(vals):
        keep = np.argpartition(-vals, p.top_k - 1)[: p.top_k]
        vals, allowed = vals[keep], allowed[keep]
    order = np.argsort(-vals)
    vals, allowed = vals[order], allowed[order]
    probs = np.exp(vals - vals[0])
    probs /= probs.sum()
    n = len(probs)
    if p.min_p > 0:
        n = min(n, max(1, int(np.sum(probs >= p.min_p * probs[0]))))
    if p.top_p < 1:
        n = min(n, int(np.searchsorted(np.cumsum(probs), p.top_p)) + 1)
    scaled = np.exp((vals[:n] - vals[0]) / p.temperature)
    return int(rng.choice(allowed[:n], p=scaled / scaled.sum()))


class Decoder:
    """Runs generations on one loaded llama.cpp model (callers serialise access)."""

    def __init__(self, llm: Llama) -> None:
        import llama_cpp
        import numpy as np

        self._c = llama_cpp
        self.llm = llm
        self._vocab = llm._model.vocab
        self._n_vocab = llm.n_vocab()
        self._mask = np.zeros(((self._n_vocab + 31) // 32,), dtype=np.int32)
        self._pieces: dict[int, bytes] = {}

    def piece(self, token: int) -> bytes:
        """The bytes of one token (control tokens render as nothing)."""
        cached = self._pieces.get(token)
        if cached is None:
            cached = self.llm.detokenize([token])
            self._pieces[token] = cached
        return cached

    def _prefill(self, tokens: list[int]) -> None:
        """Evaluate the prompt, reusing the KV cache for the prefix it shares with the last one."""
        import numpy as np

        llm = self.llm
        cached = llm.input_ids[: llm.n_tokens]
        n = min(len(cached), len(tokens) - 1)
        same = np.asarray(tokens[:n], dtype=cached.dtype) == cached[:n]
        keep = n if bool(same.all()) else int(np.argmin(same))
        if keep == 0 or not llm._ctx.kv_cache_seq_rm(-1, keep, -1):
            llm.reset()
            keep = 0
        llm.n_tokens = keep
        llm.eval(tokens[keep:])

    def _chain(self, p: SamplingParams) -> object:
        c = self._c
        chain = c.llama_sampler_chain_init(c.llama_sampler_chain_default_params())
        if p.repeat_penalty != 1.0:
            penalties = c.llama_sampler_init_penalties(
                self._n_vocab, 64, p.repeat_penalty, 0.0, 0.0
            )
            c.llama_sampler_chain_add(chain, penalties)
        if p.temperature <= 0:
            c.llama_sampler_chain_add(chain, c.llama_sampler_init_greedy())
            return chain
        if p.top_k > 0:
            c.llama_sampler_chain_add(chain, c.llama_sampler_init_top_k(p.top_k))
        c.llama_sampler_chain_add(chain, c.llama_sampler_init_top_p(p.top_p, 1))
        c.llama_sampler_chain_add(chain, c.llama_sampler_init_min_p(p.min_p, 1))
        c.llama_sampler_chain_add(chain, c.llama_sampler_init_temp(p.temperature))
        seed = c.LLAMA_DEFAULT_SEED if p.seed is None else p.seed & 0xFFFFFFFF
        c.llama_sampler_chain_add(chain, c.llama_sampler_init_dist(seed))
        return chain

    def _masked(
        self, matcher: llguidance.LLMatcher, p: SamplingParams, rng: np.random.Generator
    ) -> int:
        """Compute the grammar's token mask and sample among the allowed tokens."""
        import numpy as np

        matcher.unsafe_compute_mask_ptr(self._mask.ctypes.data, self._mask.nbytes)
        bits = np.unpackbits(self._mask.view(np.uint8), bitorder="little")[: self._n_vocab]
        allowed = np.flatnonzero(bits)
        if matcher.is_error() or len(allowed) == 0:
            raise ProviderError(
                f"constrained decoding failed: {matcher.get_error() or 'no token allowed'}",
                kind="server",
                provider="local",
            )
        ptr = self._c.llama_get_logits_ith(self.llm._ctx.ctx, -1)
        logits = np.ctypeslib.as_array(ptr, shape=(self._n_vocab,))
        return _pick(logits, allowed, p, rng)

    def decode(
        self,
        prompt: list[int],
        params: SamplingParams,
        *,
        matcher: llguidance.LLMatcher | None = None,
        stop: tuple[str, ...] = (),
        on_text: Callable[[str], None] = lambda _text: None,
        cancel: threading.Event | None = None,
    ) -> DecodeResult:
        """Generate one turn.

        Args:
            prompt: the prompt tokens.
            params: sampling parameters.
            matcher: the tool-call grammar; ``None`` decodes plain text.
            stop: strings that end free text.
            on_text: called with each piece of answer text as it is decoded.
            cancel: set by another thread to stop at the next token.

        Returns:
            The turn's kind, text, stop reason and token counts.

        Raises:
            ProviderError: the prompt does not fit the context, or the grammar failed.
        """
        import numpy as np

        c, llm = self._c, self.llm
        budget = min(params.max_tokens, llm.n_ctx() - len(prompt))
        if budget <= 0:
            raise ProviderError(
                f"the prompt ({len(prompt)} tokens) does not fit the context of "
                f"{llm.n_ctx()}; raise local.n_ctx",
                kind="context_length",
                provider="local",
            )
        self._prefill(prompt)
        ctx = llm._ctx.ctx
        chain = self._chain(params)
        rng = np.random.default_rng(params.seed)
        kind: TurnKind = "text" if matcher is None else "action"
        scanner = _StopScanner(stop, strip_leading=True)
        utf8 = codecs.getincrementaldecoder("utf-8")(errors="replace")
        head = b""
        out = forced = masked = 0
        reason: DecodeStop = "max_tokens"
        try:
            while out < budget:
                if cancel is not None and cancel.is_set():
                    reason = "cancelled"
                    break
                token = c.llama_sampler_sample(chain, ctx, -1)
                if matcher is None:
                    if c.llama_vocab_is_eog(self._vocab, token):
                        reason = "end"
                        break
                    out += 1
                    shown, stopped = scanner.feed(utf8.decode(self.piece(token)))
                    if shown:
                        on_text(shown)
                    if stopped:
                        reason = "end"
                        break
                    llm.eval([token])
                    continue
                if matcher.validate_tokens([token]) != 1:
                    masked += 1
                    token = self._masked(matcher, params, rng)
                    c.llama_sampler_accept(chain, token)
                matcher.consume_token(token)
                batch = [token]
                if not matcher.is_stopped():
                    ff = matcher.compute_ff_tokens()
                    if ff and matcher.consume_tokens(ff):
                        batch.extend(ff)
                        forced += len(ff)
                        for t in ff:
                            c.llama_sampler_accept(chain, t)
                out += len(batch)
                head += b"".join(self.piece(t) for t in batch)
                if head.startswith(ANSWER_PREFIX.encode()):
                    kind, matcher = "answer", None
                    scanner = _StopScanner(stop, strip_leading=True)
                    rest = utf8.decode(head[len(ANSWER_PREFIX) :])
                    shown, stopped = scanner.feed(rest)
                    if shown:
                        on_text(shown)
                    if stopped:
                        reason = "end"
                        break
                elif matcher.is_stopped():
                    reason = "tool_calls"
                    break
                llm.eval(batch)
        finally:
            c.llama_sampler_free(chain)
        if kind == "action":
            text = head.decode("utf-8", errors="replace")[len(ACTION_PREFIX) :]
        else:
            tail = scanner.flush() + utf8.decode(b"", final=True)
            if tail.strip() and reason != "cancelled":
                on_text(tail)
            text = scanner.text.rstrip()
        return DecodeResult(kind, text, reason, len(prompt), out, forced, masked)
