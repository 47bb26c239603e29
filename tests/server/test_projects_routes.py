"""``/api/projects``: projects over existing folders, with their tasks and memory facts."""

from __future__ import annotations

from pathlib import Path

from tests.server.conftest import LiveServer
from tests.server.sse_client import wait_for_status


def test_create_list_get_and_delete_a_project(live: LiveServer, project: Path) -> None:
    with live.client() as http:
        created = http.post("/api/projects", json={"name": "My Web App", "path": str(project)})
        assert created.status_code == 201
        body = created.json()
        assert body["id"].startswith("proj_") and body["name"] == "My Web App"
        assert body["path"] == str(project) and body["task_count"] == 0
        assert http.get(f"/api/projects/{body['id']}").json() == body
        assert http.get("/api/projects").json()["projects"] == [body]
        assert http.delete(f"/api/projects/{body['id']}").json() == {"deleted": body["id"]}
        missing = http.get(f"/api/projects/{body['id']}")
        assert missing.status_code == 404
        assert missing.json() == {"error": f"project not found: {body['id']}", "code": "NOT_FOUND"}
        assert http.get("/api/projects").json()["projects"] == []
    assert project.is_dir()  # deleting a project never touches its folder


def test_a_project_needs_an_existing_folder_of_its_own(
    live: LiveServer, project: Path, tmp_path: Path
) -> None:
    with live.client() as http:
        missing = http.post("/api/projects", json={"name": "x", "path": str(tmp_path / "nope")})
        assert missing.status_code == 400
        assert missing.json()["error"].startswith("project path is not an existing directory")
        a_file = http.post("/api/projects", json={"name": "x", "path": str(project / "app.py")})
        assert a_file.status_code == 400
        assert http.post("/api/projects", json={"name": "  ", "path": str(project)}).json() == {
            "error": "the project name is empty",
            "code": "BAD_REQUEST",
        }
        first = http.post("/api/projects", json={"name": "one", "path": str(project)}).json()
        twice = http.post("/api/projects", json={"name": "two", "path": f"{project}/"})
        assert twice.status_code == 409
        assert twice.json() == {
            "error": f"project 'one' ({first['id']}) already uses {project}",
            "code": "CONFLICT",
        }


def test_a_project_lists_the_tasks_run_in_its_folder(
    live: LiveServer, project: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other"
    other.mkdir()
    with live.client() as http:
        proj = http.post("/api/projects", json={"name": "demo", "path": str(project)}).json()
        inside = http.post("/api/tasks", json={"message": "hi", "project_path": str(project)})
        outside = http.post("/api/tasks", json={"message": "hi", "project_path": str(other)})
        for task in (inside, outside):
            wait_for_status(http, task.json()["id"], ("completed",))
        tasks = http.get(f"/api/projects/{proj['id']}/tasks").json()["tasks"]
        assert [t["id"] for t in tasks] == [inside.json()["id"]]
        assert http.get(f"/api/projects/{proj['id']}").json()["task_count"] == 1
        failed = http.get(f"/api/projects/{proj['id']}/tasks", params={"status": "failed"})
        assert failed.json()["tasks"] == []
        assert http.get("/api/projects/proj_nothing/tasks").status_code == 404


def test_a_project_shows_its_own_memory_facts(live: LiveServer, project: Path) -> None:
    with live.client() as http:
        proj = http.post("/api/projects", json={"name": "demo", "path": str(project)}).json()
        http.post("/api/memories", json={"content": "Global: prefers short answers"})
        http.post(
            "/api/memories",
            json={
                "content": "Project uses PostgreSQL on port 5432",
                "scope": "project",
                "project_path": str(project),
                "confidence": 0.85,
            },
        )
        own = http.get(f"/api/projects/{proj['id']}/memories").json()["facts"]
        assert [(f["content"], f["confidence"]) for f in own] == [
            ("Project uses PostgreSQL on port 5432", 0.85)
        ]
        assert http.get(f"/api/projects/{proj['id']}/memory").json()["facts"] == own
        both = http.get(
            f"/api/projects/{proj['id']}/memories", params={"include_global": "true"}
        ).json()["facts"]
        assert len(both) == 2
