"""SSE streams: ids are seqs (or global positions) and Last-Event-ID resumes exactly."""

from __future__ import annotations

from pathlib import Path

from tests.server.conftest import LiveServer
from tests.server.sse_client import read_events, wait_for_status


def test_agent_run_streams_a_tool_round_trip_as_sse(live: LiveServer, project: Path) -> None:
    with (
        live.client() as http,
        http.stream(
            "POST",
            "/api/agent/run",
            json={"message": "please use echo", "project_path": str(project)},
        ) as response,
    ):
        assert response.headers["content-type"].startswith("text/event-stream")
        events = list(read_events(response))
    kinds = [e["type"] for _, e in events]
    assert kinds[0] == "status" and kinds[-1] == "done"
    assert "tool_use" in kinds and "tool_result" in kinds
    assert [i for i, _ in events] == [e["seq"] for _, e in events] == list(range(len(events)))
    result = next(e for _, e in events if e["type"] == "tool_result")
    assert result["content"] == "echo: hi"
    assert events[-1][1]["status"] == "completed"


def test_reconnect_with_last_event_id_gets_exactly_the_missed_events(
    live: LiveServer,
    project: Path,
) -> None:
    k = 3
    with live.client() as http:
        with http.stream(
            "POST", "/api/agent/run", json={"message": "count to ten", "project_path": str(project)}
        ) as response:
            task_id = response.headers["x-aura-task-id"]
            before = []
            for event_id, event in read_events(response):
                before.append((event_id, event))
                if event_id == k:
                    break  # the client goes away after event k
        wait_for_status(http, task_id, ("completed",))  # the task finished while it was away
        with http.stream(
            "GET", f"/api/tasks/{task_id}/events", headers={"Last-Event-ID": str(k)}
        ) as response:
            after = list(read_events(response))
        with http.stream("GET", f"/api/tasks/{task_id}/events") as response:
            everything = list(read_events(response))
    assert [i for i, _ in before] == list(range(k + 1))
    assert after[0][0] == k + 1 and after[-1][1]["type"] == "done"
    assert before + after == everything
    text = "".join(str(e["text"]) for _, e in everything if e["type"] == "text")
    assert text == "one two three four five six seven eight nine ten"


def test_a_client_that_disconnects_does_not_stop_the_task(live: LiveServer, project: Path) -> None:
    with live.client() as http:
        with http.stream(
            "POST", "/api/chat/send", json={"message": "slow reply", "project_path": str(project)}
        ) as response:
            task_id = response.headers["x-aura-task-id"]
            next(read_events(response))
        task = wait_for_status(http, task_id, ("completed", "failed", "interrupted"))
        assert task["status"] == "completed"
        messages = http.get(f"/api/tasks/{task_id}/messages").json()["messages"]
    assert messages[-1]["content"] == "finally done"


def test_the_global_stream_resumes_by_position(live: LiveServer, project: Path) -> None:
    with live.client() as http:
        ids = []
        for prompt in ("hi", "count"):
            with http.stream(
                "POST", "/api/chat/send", json={"message": prompt, "project_path": str(project)}
            ) as response:
                ids.append(response.headers["x-aura-task-id"])
                list(read_events(response))
        with http.stream("GET", "/api/events") as response:
            seen = []
            for position, event in read_events(response):
                seen.append((position, event))
                if event["type"] == "done" and event["task_id"] == ids[1]:
                    break
        k = seen[4][0]
        with http.stream("GET", "/api/events", headers={"Last-Event-ID": str(k)}) as response:
            resumed = []
            for position, event in read_events(response):
                resumed.append((position, event))
                if len(resumed) == len(seen) - 5:
                    break
    positions = [p for p, _ in seen]
    assert positions == sorted(positions) and len(set(positions)) == len(positions)
    assert {e["task_id"] for _, e in seen} == set(ids)
    assert resumed == seen[5:]


def test_a_bad_last_event_id_is_a_clear_400(live: LiveServer) -> None:
    with live.client() as http:
        response = http.get("/api/events", headers={"Last-Event-ID": "abc"})
    assert response.status_code == 400
    assert response.json() == {
        "error": "Last-Event-ID must be an integer, got 'abc'",
        "code": "BAD_REQUEST",
    }


def test_an_idle_stream_gets_ping_comments_and_then_the_events(
    live: LiveServer, project: Path, monkeypatch  # type: ignore[no-untyped-def]
) -> None:
    monkeypatch.setenv("AURA_WEB_SSE_KEEPALIVE", "0.2")
    with live.client() as http, http.stream("GET", "/api/events", timeout=10) as response:
        lines = response.iter_lines()
        seen: list[str] = []
        while seen.count(": ping") < 2:  # nothing happens: only pings keep it alive
            seen.append(next(lines))
        assert not any(line.startswith("data:") for line in seen)
        with live.client() as other:
            other.post("/api/tasks", json={"message": "hi", "project_path": str(project)})
        while not any(line.startswith("data:") for line in seen):
            seen.append(next(lines))
    assert any('"type":"status"' in line for line in seen if line.startswith("data:"))


def test_keep_alive_can_be_turned_off() -> None:
    import asyncio

    from aura_cli.server.sse import PING, keep_alive

    async def slow() -> object:
        await asyncio.sleep(0.05)
        yield b"data: 1\n\n"

    async def collect(every: float) -> list[bytes]:
        return [chunk async for chunk in keep_alive(slow(), every)]

    assert asyncio.run(collect(0)) == [b"data: 1\n\n"]
    assert asyncio.run(collect(0.01))[-1] == b"data: 1\n\n"
    assert PING in asyncio.run(collect(0.01))
