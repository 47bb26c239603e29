"""Gateway overhead: ``/v1/chat/completions`` through Aura (and LiteLLM) in front of a mock.

An instant OpenAI-compatible mock upstream runs in its own process; Aura's gateway runs in
another, routing ``mock:gpt-mock`` to it through the OpenAI chat adapter. The LiteLLM proxy
runs too when ``bench/.venv-litellm`` holds it (``python -m venv bench/.venv-litellm &&
bench/.venv-litellm/bin/pip install 'litellm[proxy]'``). The same client measures, alternately:
single-request latency (p50/p99, minus the direct-to-mock latency = added latency) and
requests/s at concurrency 50. Also reported: resident memory and time to first answer.
Targets: >= 10x LiteLLM's throughput, <= 3 ms added p50, <= 1/4 of its memory.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
LITELLM = HERE / ".venv-litellm" / "bin" / "litellm"
SINGLE = int(os.environ.get("BENCH_SINGLE", "300"))
TOTAL = int(os.environ.get("BENCH_TOTAL", "3000"))
CONCURRENCY = 50
BODY = {"model": "mock:gpt-mock", "messages": [{"role": "user", "content": "hi"}]}
REPLY = {
    "id": "chatcmpl-mock",
    "object": "chat.completion",
    "created": 0,
    "model": "gpt-mock",
    "choices": [
        {"index": 0, "message": {"role": "assistant", "content": "Hello!"}, "finish_reason": "stop"}
    ],
    "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5},
}


# -- the mock upstream (raw ASGI, no framework) ----------------------------------------------
async def mock_app(scope, receive, send):  # type: ignore[no-untyped-def]
    if scope["type"] != "http":
        return
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    if scope["path"].endswith("/models"):
        out, kind = (
            json.dumps({"object": "list", "data": [{"id": "gpt-mock"}]}).encode(),
            b"application/json",
        )
    elif body and json.loads(body).get("stream"):
        chunk = {"id": "c", "object": "chat.completion.chunk", "created": 0, "model": "gpt-mock"}
        events = [
            {
                **chunk,
                "choices": [{"index": 0, "delta": {"role": "assistant", "content": "Hello!"}}],
            },
            {**chunk, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]},
            {**chunk, "choices": [], "usage": REPLY["usage"]},
        ]
        out = (
            b"".join(b"data: " + json.dumps(e).encode() + b"\n\n" for e in events)
            + b"data: [DONE]\n\n"
        )
        kind = b"text/event-stream"
    else:
        out, kind = json.dumps(REPLY).encode(), b"application/json"
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", kind), (b"content-length", str(len(out)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": out})


def serve_mock(port: int) -> None:
    import uvicorn

    uvicorn.run(mock_app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def serve_aura(port: int, upstream: str) -> None:
    import uvicorn

    from aura_cli.server import create_app
    from aura_core.engine import Engine
    from aura_core.providers.openai_chat import OpenAIChatProvider

    engine = Engine()
    engine.register_provider(OpenAIChatProvider("mock", upstream + "/v1", "sk-mock"))
    uvicorn.run(
        create_app(engine), host="127.0.0.1", port=port, log_level="warning", access_log=False
    )


# -- the driver ------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def wait_ready(url: str, proc: subprocess.Popen[bytes], headers: dict[str, str]) -> float:
    start = time.perf_counter()
    while True:
        if proc.poll() is not None:
            sys.exit(f"server for {url} exited with {proc.returncode}")
        try:
            if httpx.post(url, json=BODY, headers=headers, timeout=2).status_code == 200:
                return time.perf_counter() - start
        except httpx.HTTPError:
            pass
        time.sleep(0.05)


def start(cmd: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


async def single(
    client: httpx.AsyncClient, url: str, headers: dict[str, str]
) -> tuple[float, float]:
    t = time.perf_counter()
    response = await client.post(url, json=BODY, headers=headers)
    elapsed = time.perf_counter() - t
    response.raise_for_status()
    return elapsed * 1000, float(response.headers.get("x-aura-overhead-ms", "nan"))


async def throughput(url: str, headers: dict[str, str]) -> float:
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    async with httpx.AsyncClient(limits=limits, timeout=60) as client:
        remaining = TOTAL

        async def worker() -> None:
            nonlocal remaining
            while remaining > 0:
                remaining -= 1
                (await client.post(url, json=BODY, headers=headers)).raise_for_status()

        t = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        return TOTAL / (time.perf_counter() - t)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def measure(targets: dict[str, tuple[str, dict[str, str]]]) -> dict[str, dict[str, float]]:
    lat: dict[str, list[float]] = {name: [] for name in targets}
    own: list[float] = []
    async with httpx.AsyncClient(timeout=30) as client:
        for url, headers in targets.values():  # warm-up
            for _ in range(20):
                await single(client, url, headers)
        for _ in range(SINGLE):
            for name, (url, headers) in targets.items():
                ms, overhead = await single(client, url, headers)
                lat[name].append(ms)
                if name == "aura":
                    own.append(overhead)
    out = {name: {"p50": statistics.median(v), "p99": pct(v, 0.99)} for name, v in lat.items()}
    out["aura"]["header_p50"] = statistics.median(own)
    for name, (url, headers) in targets.items():
        if name != "direct":
            out[name]["rps"] = await throughput(url, headers)
    return out


def main() -> None:
    home = tempfile.mkdtemp(prefix="aura-bench-")
    env = {**os.environ, "AURA_HOME": home, "AURA_MODEL": "mock:gpt-mock"}
    mock_port, aura_port = free_port(), free_port()
    mock_url = f"http://127.0.0.1:{mock_port}"
    procs = {"mock": start([sys.executable, __file__, "mock", str(mock_port)], env)}
    wait_ready(mock_url + "/v1/chat/completions", procs["mock"], {})
    procs["aura"] = start([sys.executable, __file__, "aura", str(aura_port), mock_url], env)
    targets = {
        "direct": (mock_url + "/v1/chat/completions", {}),
        "aura": (f"http://127.0.0.1:{aura_port}/v1/chat/completions", {}),
    }
    startup = {"aura": wait_ready(targets["aura"][0], procs["aura"], {})}
    if LITELLM.exists():
        port = free_port()
        cfg = Path(home) / "litellm.yaml"
        cfg.write_text(
            "model_list:\n  - model_name: mock:gpt-mock\n    litellm_params:\n"
            f"      model: openai/gpt-mock\n      api_base: {mock_url}/v1\n"
            "      api_key: sk-mock\n"
        )
        lenv = {**env, "LITELLM_MASTER_KEY": "sk-bench", "LITELLM_LOCAL_MODEL_COST_MAP": "True"}
        procs["litellm"] = start(
            [str(LITELLM), "--config", str(cfg), "--port", str(port), "--num_workers", "1"], lenv
        )
        auth = {"Authorization": "Bearer sk-bench"}
        targets["litellm"] = (f"http://127.0.0.1:{port}/v1/chat/completions", auth)
        startup["litellm"] = wait_ready(targets["litellm"][0], procs["litellm"], auth)
    try:
        results = asyncio.run(measure(targets))
        memory = {name: rss_mb(procs[name].pid) for name in targets if name != "direct"}
    finally:
        for proc in procs.values():
            proc.terminate()
    base = results["direct"]["p50"]
    print(
        f"single request, {SINGLE} alternating rounds; throughput: {TOTAL} requests at "
        f"concurrency {CONCURRENCY}"
    )
    print(f"  direct to mock   p50 {base:6.2f} ms  p99 {results['direct']['p99']:6.2f} ms")
    for name in targets:
        if name == "direct":
            continue
        r = results[name]
        print(
            f"  {name:<8} p50 {r['p50']:6.2f} ms (+{r['p50'] - base:5.2f})  p99 {r['p99']:6.2f} ms"
            f"  {r['rps']:7.1f} req/s  RSS {memory[name]:6.1f} MB  ready in {startup[name]:.2f} s"
        )
    print(f"  aura x-aura-overhead-ms header p50: {results['aura']['header_p50']:.3f} ms")
    if "litellm" in results:
        a, lt = results["aura"], results["litellm"]
        print(
            f"ratios aura/litellm: throughput {a['rps'] / lt['rps']:.1f}x (target >= 10), "
            f"added p50 {(a['p50'] - base) / max(lt['p50'] - base, 1e-9):.2f}, "
            f"memory {memory['aura'] / memory['litellm']:.2f} (target <= 0.25)"
        )
    else:
        print("LiteLLM was not run (bench/.venv-litellm/bin/litellm not found)")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "mock":
        serve_mock(int(sys.argv[2]))
    elif len(sys.argv) > 1 and sys.argv[1] == "aura":
        serve_aura(int(sys.argv[2]), sys.argv[3])
    else:
        main()
