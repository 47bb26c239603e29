"""SSE fan-out: 200 concurrent clients on ``GET /api/events`` while tasks run.

Starts ``aura serve``'s app in a subprocess with a scripted model, connects the clients, starts
tasks that stream many events, and checks that every client saw every event exactly once, in
order (global positions strictly increasing), ending with each task's ``done``.
Target: 0 lost, 0 duplicated, 0 out of order.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

CLIENTS = int(os.environ.get("BENCH_CLIENTS", "200"))
TASKS = int(os.environ.get("BENCH_TASKS", "20"))
WORDS = int(os.environ.get("BENCH_WORDS", "50"))


def serve(port: int) -> None:
    import uvicorn

    from aura_cli.server import create_app
    from aura_core.engine import Engine

    uvicorn.run(
        create_app(Engine()), host="127.0.0.1", port=port, log_level="warning", access_log=False
    )


async def client(
    url: str, want_done: int, ready: asyncio.Event, counter: list[int]
) -> list[tuple[int, str, int]]:
    seen: list[tuple[int, str, int]] = []
    done = 0
    async with httpx.AsyncClient(timeout=None) as http, http.stream("GET", url) as response:
        counter[0] += 1
        if counter[0] == CLIENTS:
            ready.set()
        position = -1
        async for line in response.aiter_lines():
            if line.startswith("id:"):
                position = int(line[3:])
            elif line.startswith("data:"):
                event = json.loads(line[5:])
                seen.append((position, event["task_id"], event["seq"]))
                if event["type"] == "done":
                    done += 1
                    if done == want_done:
                        return seen
    return seen


async def run(base: str, model: str, project: str) -> None:
    ready = asyncio.Event()
    counter = [0]
    readers = [
        asyncio.create_task(client(base + "/api/events", TASKS, ready, counter))
        for _ in range(CLIENTS)
    ]
    await asyncio.wait_for(ready.wait(), 60)
    started = time.perf_counter()
    async with httpx.AsyncClient(base_url=base, timeout=60) as http:
        ids = [
            (
                await http.post(
                    "/api/tasks",
                    json={
                        "message": f"task {n}",
                        "model": model,
                        "mode": "chat",
                        "project_path": project,
                    },
                )
            ).json()["id"]
            for n in range(TASKS)
        ]
        results = await asyncio.wait_for(asyncio.gather(*readers), 300)
        elapsed = time.perf_counter() - started
        expected: set[tuple[str, int]] = set()
        for task_id in ids:
            async with http.stream("GET", f"/api/tasks/{task_id}/events") as response:
                async for line in response.aiter_lines():
                    if line.startswith("data:"):
                        event = json.loads(line[5:])
                        expected.add((event["task_id"], event["seq"]))
    lost = duplicated = disordered = 0
    for seen in results:
        keys = [(t, s) for _, t, s in seen]
        lost += len(expected - set(keys))
        duplicated += len(keys) - len(set(keys))
        positions = [p for p, _, _ in seen]
        disordered += sum(1 for a, b in zip(positions, positions[1:], strict=False) if b <= a)
    total = len(expected) * CLIENTS
    print(
        f"{CLIENTS} SSE clients, {TASKS} tasks, {len(expected)} events each client "
        f"({total} deliveries) in {elapsed:.2f} s = {total / elapsed:,.0f} deliveries/s"
    )
    print(f"lost {lost}  duplicated {duplicated}  out of order {disordered}  (target 0 / 0 / 0)")


def main() -> None:
    home = tempfile.mkdtemp(prefix="aura-sse-bench-")
    script = Path(home) / "script.json"
    script.write_text(json.dumps([{"text": " ".join(f"w{i}" for i in range(WORDS))}]))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "AURA_HOME": home}
    proc = subprocess.Popen([sys.executable, __file__, "serve", str(port)], env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        while True:
            try:
                httpx.get(base + "/api/health", timeout=1)
                break
            except httpx.HTTPError:
                if proc.poll() is not None:
                    sys.exit("server failed to start")
                time.sleep(0.05)
        asyncio.run(run(base, f"scripted:{script}", home))
    finally:
        proc.terminate()


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "serve":
        serve(int(sys.argv[2]))
    else:
        main()
