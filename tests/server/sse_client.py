"""A minimal SSE reader for the tests: ``(id, payload)`` pairs from a streamed response."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import httpx


def read_events(response: httpx.Response) -> Iterator[tuple[int, dict[str, object]]]:
    """Yield each SSE message's id and decoded JSON data; comments are skipped."""
    event_id: int | None = None
    data: list[str] = []
    for line in response.iter_lines():
        if line.startswith("id:"):
            event_id = int(line[3:].strip())
        elif line.startswith("data:"):
            data.append(line[5:].strip())
        elif line == "" and data:
            yield (event_id if event_id is not None else -1), json.loads("\n".join(data))
            event_id, data = None, []


def wait_for_status(
    http: httpx.Client, task_id: str, wanted: tuple[str, ...], timeout: float = 20
) -> dict[str, object]:
    """Poll a task until its status is one of ``wanted``."""
    deadline = time.monotonic() + timeout
    while True:
        task = http.get(f"/api/tasks/{task_id}").json()
        if task["status"] in wanted:
            return task
        if time.monotonic() > deadline:
            raise AssertionError(f"task {task_id} stayed {task['status']}")
        time.sleep(0.02)  # polling for a state change, not timing
