"""Gateway overhead: ``/v1/chat/completions`` through Aura (and LiteLLM) in front of a mock.

An instant OpenAI-compatible mock upstream runs in its own process; Aura's gateway runs in
another, routing ``mock:gpt-mock`` to it through the OpenAI chat adapter. The LiteLLM proxy
runs too when ``bench/.venv-litellm`` holds it (``python -m venv bench/.venv-litellm &&
bench/.venv-litellm/bin/pip install 'litellm[proxy]'``). The same client measures, alternately:
single-request latency (p50/p99, minus the direct-to-mock latency = added latency) and
requests/s at concurrency 50. Throughput is driven by ``wrk`` when it is installed (Debian
package ``wrk``): a Python client tops out near the rate it measures on 2 cores, so it would
measure itself. Each server's CPU time per request during that run is printed too, a number
that holds up on a busy machine. Also reported: resident memory and time to first answer.
Targets: >= 10x LiteLLM's throughput, <= 3 ms added p50, <= 1/4 of its memory.
``BENCH_UPSTREAM=aiohttp`` gives Aura's provider an httpx client on an aiohttp transport
(package ``httpx-aiohttp``), to measure that change before the core adopts it.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
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
WRK_SECONDS = int(os.environ.get("BENCH_WRK_SECONDS", "10"))
WRK = shutil.which("wrk")
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
    client = None
    if os.environ.get("BENCH_UPSTREAM") == "aiohttp":
        # What the proposed core change (an aiohttp transport under httpx) would give.
        from httpx_aiohttp import HttpxAiohttpClient

        client = HttpxAiohttpClient(timeout=httpx.Timeout(300.0, connect=10.0))
    engine.register_provider(OpenAIChatProvider("mock", upstream + "/v1", "sk-mock", client=client))
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


async def _httpx_throughput(url: str, headers: dict[str, str]) -> float:
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


def _wrk_throughput(url: str, headers: dict[str, str]) -> tuple[float, int]:
    lines = ['wrk.method = "POST"', f"wrk.body = {json.dumps(json.dumps(BODY))}"]
    lines += [f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}" for k, v in headers.items()]
    lines.append('wrk.headers["Content-Type"] = "application/json"')
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write("\n".join(lines) + "\n")
    try:
        out = subprocess.run(
            [WRK or "wrk", "-t1", f"-c{CONCURRENCY}", f"-d{WRK_SECONDS}s", "-s", script.name, url],
            capture_output=True,
            text=True,
            timeout=WRK_SECONDS + 60,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    if "Non-2xx" in out or "Socket errors" in out:
        sys.exit(f"wrk saw failed requests against {url}:\n{out}")
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    done = re.search(r"(\d+) requests in", out)
    if rps is None or done is None:
        sys.exit(f"could not read wrk's output:\n{out}")
    return float(rps.group(1)), int(done.group(1))


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def throughput(url: str, headers: dict[str, str], pid: int) -> tuple[float, float]:
    """Requests/s at concurrency 50, and the server's CPU milliseconds per request."""
    before = cpu_seconds(pid)
    if WRK:
        rps, count = await asyncio.to_thread(_wrk_throughput, url, headers)
    else:
        rps, count = await _httpx_throughput(url, headers), TOTAL
    return rps, (cpu_seconds(pid) - before) * 1000 / max(count, 1)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def measure(
    targets: dict[str, tuple[str, dict[str, str]]], pids: dict[str, int]
) -> dict[str, dict[str, float]]:
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
            out[name]["rps"], out[name]["cpu_ms"] = await throughput(url, headers, pids[name])
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
        pids = {name: proc.pid for name, proc in procs.items()}
        results = asyncio.run(measure(targets, pids))
        memory = {name: rss_mb(procs[name].pid) for name in targets if name != "direct"}
    finally:
        for proc in procs.values():
            proc.terminate()
    base = results["direct"]["p50"]
    driver = f"wrk for {WRK_SECONDS} s" if WRK else f"{TOTAL} requests from httpx"
    print(
        f"single request, {SINGLE} alternating rounds; throughput: {driver} at "
        f"concurrency {CONCURRENCY}"
    )
    print(f"  direct to mock   p50 {base:6.2f} ms  p99 {results['direct']['p99']:6.2f} ms")
    for name in targets:
        if name == "direct":
            continue
        r = results[name]
        print(
            f"  {name:<8} p50 {r['p50']:6.2f} ms (+{r['p50'] - base:5.2f})  p99 {r['p99']:6.2f} ms"
            f"  {r['rps']:7.1f} req/s  CPU {r['cpu_ms']:5.2f} ms/req  RSS {memory[name]:6.1f} MB"
            f"  ready in {startup[name]:.2f} s"
        )
    print(f"  aura x-aura-overhead-ms header p50: {results['aura']['header_p50']:.3f} ms")
    if "litellm" in results:
        a, lt = results["aura"], results["litellm"]
        print(
            f"ratios aura/litellm: throughput {a['rps'] / lt['rps']:.1f}x (target >= 10), "
            f"CPU per request {lt['cpu_ms'] / a['cpu_ms']:.1f}x less, "
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
