"""Local inference speed: bare llama-cpp-python vs Aura's LocalProvider, side by side.

Measures (a) plain generation and (b) grammar-constrained tool calls against unconstrained
generation of the same prompt and token count, and, for reference, llama-cpp-python's own
grammar path (JSON schema -> GBNF). Sides run alternately for several rounds; medians are
reported. Targets: plain >= 0.95x, constrained >= 0.8x.

    python bench/local_inference.py [--rounds 5] [--threads 2] [--model PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from aura_core.inference.constrained import tool_call_schema
from aura_core.inference.models import resolve_local_model
from aura_core.inference.prompting import render_prompt
from aura_core.messages import Message, ToolSpec
from aura_core.providers.base import ModelRequest, Sampling, Stop
from aura_core.providers.local import LocalProvider, LocalSettings

# A prompt the base model continues on one line, so both sides emit exactly --tokens tokens.
PLAIN = [Message("user", "Count to five hundred: 1, 2, 3,")]
TASKS = [
    "Read README.md",
    "List the files in this folder",
    "Create hello.txt with hi",
    "Find TODO in the code",
    "Run the tests",
]


def _obj(props: dict[str, str], required: list[str]) -> dict[str, object]:
    return {
        "type": "object",
        "properties": {k: {"type": v} for k, v in props.items()},
        "required": required,
    }


TOOLS = [
    ToolSpec("read_file", "Read a text file.", _obj({"path": "string"}, ["path"])),
    ToolSpec("list_dir", "List a directory.", _obj({"path": "string"}, ["path"])),
    ToolSpec("grep", "Search files.", _obj({"pattern": "string", "path": "string"}, ["pattern"])),
    ToolSpec(
        "write_file",
        "Write a file.",
        _obj({"path": "string", "content": "string"}, ["path", "content"]),
    ),
    ToolSpec("bash", "Run a shell command.", _obj({"command": "string"}, ["command"])),
]


def bare_generate(
    llm: object, tokens: list[int], n: int, grammar: object = None
) -> tuple[int, float]:
    """Bare llama-cpp-python: ``Llama.generate`` for exactly ``n`` tokens (greedy)."""
    start = time.perf_counter()
    count = 0
    for _token in llm.generate(tokens, temp=0.0, repeat_penalty=1.1, grammar=grammar):  # type: ignore[attr-defined]
        count += 1
        if count >= n:
            break
    return count, time.perf_counter() - start


def aura_run(provider: LocalProvider, request: ModelRequest) -> tuple[int, float, str]:
    """One LocalProvider request: (output tokens, seconds, stop reason)."""

    async def go() -> str:
        reason = ""
        async for part in provider.stream(request):
            if isinstance(part, Stop):
                reason = part.reason
        return reason

    start = time.perf_counter()
    reason = asyncio.run(go())
    elapsed = time.perf_counter() - start
    assert provider.last_result is not None
    return provider.last_result.output_tokens, elapsed, reason


def _median_rate(samples: list[tuple[int, float]]) -> float:
    return statistics.median(n / t for n, t in samples)


def main() -> None:
    """Run the benchmark and print tokens/s and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--tokens", type=int, default=96)
    parser.add_argument("--model", default="default")
    args = parser.parse_args()

    settings = LocalSettings(n_threads=args.threads, temperature=0.0, max_tokens=args.tokens)
    path: Path = resolve_local_model(args.model)
    provider = LocalProvider(settings)
    provider.model_for(str(path))  # load (and build the grammar tokenizer) outside the timings
    provider.model_for(str(path)).grammars()
    # Both sides drive the same Llama instance: two llama.cpp instances in one process fight
    # over their OpenMP thread teams and both slow down several-fold. Each side re-evaluates
    # whatever part of its prompt the other side's last run left out of the KV cache.
    bare = provider.model_for(str(path)).llm

    def tokens_of(messages: list[Message], tools: list[ToolSpec]) -> list[int]:
        rendered = render_prompt(messages, tools, style="completion")
        return bare.tokenize(rendered.text.encode(), add_bos=True, special=False)

    sides: dict[str, list[tuple[int, float]]] = {
        k: [] for k in ("bare", "aura", "free", "tool", "gbnf")
    }
    from llama_cpp import LlamaGrammar

    gbnf = LlamaGrammar.from_json_schema(json.dumps(tool_call_schema(TOOLS)), verbose=False)
    for rnd in range(args.rounds):
        plain = ModelRequest(str(path), PLAIN, sampling=Sampling(max_tokens=args.tokens))
        steps: list[tuple[str, Callable[[], tuple[int, float]]]] = []
        n_plain = aura_run(provider, plain)[0]  # warm-up run fixes the token count
        steps.append(("aura", lambda req=plain: aura_run(provider, req)[:2]))
        steps.append(("bare", lambda n=n_plain: bare_generate(bare, tokens_of(PLAIN, []), n)))
        for task in TASKS:
            messages = [Message("user", task)]
            req = ModelRequest(str(path), messages, TOOLS)
            n_tool = aura_run(provider, req)[0]
            prompt = tokens_of(messages, TOOLS)
            steps.append(("tool", lambda req=req: aura_run(provider, req)[:2]))
            steps.append(("free", lambda p=prompt, n=n_tool: bare_generate(bare, p, n)))
            steps.append(("gbnf", lambda p=prompt, n=n_tool: bare_generate(bare, p, n, gbnf)))
        if rnd % 2:
            steps.reverse()
        for name, step in steps:
            sides[name].append(step())

    rate = {k: _median_rate(v) for k, v in sides.items()}
    counts = {k: sum(n for n, _ in v) // max(len(v), 1) for k, v in sides.items()}
    print(f"model {path.name}, {args.threads} threads, {args.rounds} rounds (median tokens/s)")
    print(
        f"tokens per run: plain {counts['aura']}, tool call {counts['tool']} (same on both sides)"
    )
    print(
        f"plain generation   bare llama-cpp-python {rate['bare']:7.1f}   Aura {rate['aura']:7.1f}"
        f"   ratio {rate['aura'] / rate['bare']:.2f} (target >= 0.95)"
    )
    print(
        f"tool calls         unconstrained         {rate['free']:7.1f}   Aura constrained {rate['tool']:7.1f}"
        f"   ratio {rate['tool'] / rate['free']:.2f} (target >= 0.80)"
    )
    print(
        f"reference          llama-cpp-python GBNF {rate['gbnf']:7.1f}"
        f"   ratio {rate['gbnf'] / rate['free']:.2f}"
    )


if __name__ == "__main__":
    main()
