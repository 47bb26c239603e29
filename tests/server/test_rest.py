"""The REST resources: tasks, stopping and resuming, settings, models, usage, diagnostics."""

from __future__ import annotations

from pathlib import Path

from tests.server.conftest import LiveServer
from tests.server.sse_client import read_events, wait_for_status


def test_health_is_public(live: LiveServer) -> None:
    with live.client(token=None) as http:
        body = http.get("/api/health").json()
    assert body["status"] == "ok" and body["version"]


def test_create_follow_and_page_through_tasks(live: LiveServer, project: Path) -> None:
    with live.client() as http:
        created = []
        for n in range(3):
            response = http.post(
                "/api/tasks", json={"message": f"hi {n}", "project_path": str(project)}
            )
            assert response.status_code == 201
            created.append(response.json()["id"])
        for task_id in created:
            wait_for_status(http, task_id, ("completed",))
        page1 = http.get("/api/tasks", params={"limit": 2, "offset": 0}).json()
        page2 = http.get("/api/tasks", params={"limit": 2, "offset": 2}).json()
        assert [t["id"] for t in page1["tasks"] + page2["tasks"]] == created[::-1]
        task = http.get(f"/api/tasks/{created[0][:8]}").json()
        assert task["title"] == "hi 0" and task["model"] == "scripted:x" and "pid" not in task
        messages = http.get(f"/api/tasks/{created[0]}/messages").json()["messages"]
        assert [(m["role"], m["content"]) for m in messages] == [
            ("user", "hi 0"),
            ("assistant", "Hello from Aura."),
        ]
        follow = http.post(f"/api/tasks/{created[0]}/messages", json={"message": "again"})
        assert follow.status_code == 202
        wait_for_status(http, created[0], ("completed",))
        assert len(http.get(f"/api/tasks/{created[0]}/messages").json()["messages"]) == 4
        usage = http.get(f"/api/usage/tasks/{created[0]}").json()
        assert usage["calls"] == 2 and usage["output_tokens"] > 0
        assert http.delete(f"/api/tasks/{created[0]}").json() == {"deleted": created[0]}
        assert http.get(f"/api/tasks/{created[0]}").status_code == 404


def test_a_task_in_an_unknown_directory_is_a_400(live: LiveServer) -> None:
    with live.client() as http:
        response = http.post("/api/tasks", json={"message": "hi", "project_path": "/no/such/dir"})
    assert response.status_code == 400
    assert response.json()["error"] == "project directory not found: /no/such/dir"


def test_stop_then_resume_an_interrupted_task(live: LiveServer, project: Path) -> None:
    with live.client() as http:
        with http.stream(
            "POST", "/api/agent/run", json={"message": "slow one", "project_path": str(project)}
        ) as response:
            task_id = response.headers["x-aura-task-id"]
            stream = read_events(response)
            first = next(stream)[1]
            assert first["type"] == "status"
            stop = http.post("/api/inference/stop", json={"task_id": task_id})
            assert stop.json() == {"task_id": task_id, "stopped": True}
            rest = list(stream)
        assert rest[-1][1] == {**rest[-1][1], "type": "done", "status": "interrupted"}
        interrupted = http.get("/api/tasks/interrupted").json()["tasks"]
        assert [t["id"] for t in interrupted] == [task_id]
        with http.stream("POST", f"/api/tasks/{task_id}/resume") as response:
            resumed = list(read_events(response))
        assert resumed[0][0] == rest[-1][0] + 1
        assert resumed[-1][1]["status"] == "completed"
        assert (
            http.post("/api/inference/stop", json={"task_id": task_id}).json()["stopped"] is False
        )
        again = http.post(f"/api/tasks/{task_id}/resume")
        assert again.status_code == 400 and "already completed" in again.json()["error"]


def test_run_an_existing_task_with_a_new_message(live: LiveServer, project: Path) -> None:
    with live.client() as http:
        task_id = http.post(
            "/api/tasks", json={"message": "hi", "project_path": str(project)}
        ).json()["id"]
        wait_for_status(http, task_id, ("completed",))
        with http.stream(
            "POST", f"/api/tasks/{task_id}/run", json={"message": "count"}
        ) as response:
            events = [e for _, e in read_events(response)]
    assert "".join(str(e.get("text", "")) for e in events).startswith("one two")
    assert events[-1]["status"] == "completed"


def test_chat_send_gives_the_model_no_tools(live: LiveServer, project: Path) -> None:
    with (
        live.client() as http,
        http.stream(
            "POST", "/api/chat/send", json={"message": "use echo", "project_path": str(project)}
        ) as response,
    ):
        kinds = [e["type"] for _, e in read_events(response)]
    assert "tool_use" not in kinds and kinds[-1] == "done"


def test_settings_are_read_masked_and_written(live: LiveServer, monkeypatch: object) -> None:
    with live.client() as http:
        changed = http.put("/api/settings", json={"max_steps": 40, "token": "s3cret"})
        assert changed.status_code == 200
        body = http.get("/api/settings").json()
        assert body["settings"]["max_steps"] == 40 and body["sources"]["max_steps"] == "file"
        assert body["settings"]["token"] == "********"
        assert "s3cret" not in http.get("/api/settings").text
        bad = http.put("/api/settings", json={"no.such.key": 1})
        assert bad.status_code == 400 and bad.json()["code"] == "CONFIG_ERROR"
        wrong_type = http.put("/api/settings", json={"max_steps": "many"})
        assert wrong_type.status_code == 400
        test = http.post("/api/settings/test", json={}).json()
        assert test["ok"] is True and test["model"] == "scripted:x"
        failed = http.post("/api/settings/test", json={"model": "nosuch:thing"}).json()
        assert failed["ok"] is False and failed["code"] == "NOT_FOUND"


def test_models_providers_and_diagnostics(live: LiveServer) -> None:
    with live.client() as http:
        models = http.get("/api/models").json()
        assert models["default"] == "scripted:x" and "local:gemma3-270m" in models["models"]
        providers = {p["id"]: p for p in http.get("/api/providers").json()["providers"]}
        assert providers["openai"]["configured"] is False and "key" not in providers["openai"]
        diag = http.get("/api/diagnostics").json()
        assert diag["database"]["tasks"] == 0 and diag["default_model"] == "scripted:x"
        assert http.get("/api/platform").json()["platform"]


def test_a_task_can_be_limited_to_some_tools(live: LiveServer, project: Path) -> None:
    with live.client() as http:
        bad = http.post("/api/tasks", json={"message": "hi", "tools": ["nope"]})
        assert bad.status_code == 400
        assert "unknown tool(s): nope" in bad.json()["error"] and bad.json()["code"]
        assert http.get("/api/tasks").json()["tasks"] == []  # nothing was created
        made = http.post("/api/tasks", json={"message": "hi", "project_path": str(project),
                                             "tools": ["echo"]})
        assert made.status_code == 201
        wait_for_status(http, made.json()["id"], ("completed",))
        assert made.json()["tools"] == ["echo"]
