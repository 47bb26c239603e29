"""``/api/memories``: facts visible from a project, added, paged, searched, deleted; instructions."""

from __future__ import annotations

from pathlib import Path

from tests.server.conftest import LiveServer


def test_facts_are_listed_by_what_a_project_can_see(live: LiveServer, project: Path) -> None:
    with live.client() as http:
        g = http.post(
            "/api/memories", json={"content": "User prefers tabs", "category": "preference"}
        )
        assert g.status_code == 201
        fact = g.json()
        assert fact["scope"] == "global" and fact["confidence"] == 1.0 and fact["id"] > 0
        p = http.post(
            "/api/memories",
            json={
                "content": "Uses PostgreSQL on port 5432",
                "scope": "project",
                "project_path": str(project / "." / ".." / project.name),
                "confidence": 0.85,
            },
        ).json()
        assert p["project_path"] == str(project)  # stored as the resolved folder
        everywhere = http.get("/api/memories").json()["facts"]
        assert [f["content"] for f in everywhere] == ["User prefers tabs"]
        here = http.get("/api/memories", params={"project": str(project)}).json()["facts"]
        assert [f["content"] for f in here] == ["Uses PostgreSQL on port 5432", "User prefers tabs"]
        knowledge = http.get(
            "/api/memories", params={"project": str(project), "category": "knowledge"}
        ).json()["facts"]
        assert [f["id"] for f in knowledge] == [p["id"]]


def test_facts_page_with_limit_and_offset(live: LiveServer) -> None:
    with live.client() as http:
        for n in range(5):
            http.post("/api/memories", json={"content": f"fact number {n}"})
        first = http.get("/api/memories", params={"limit": 2}).json()
        rest = http.get("/api/memories", params={"limit": 10, "offset": 2}).json()
        contents = [f["content"] for f in first["facts"] + rest["facts"]]
        assert contents == [f"fact number {n}" for n in range(4, -1, -1)]
        assert first["limit"] == 2 and rest["offset"] == 2


def test_search_finds_facts_by_keyword(live: LiveServer) -> None:
    with live.client() as http:
        http.post("/api/memories", json={"content": "Deploys go through GitHub Actions"})
        http.post("/api/memories", json={"content": "The staging database is PostgreSQL"})
        hits = http.get("/api/memories/search", params={"q": "which database?"}).json()["facts"]
        assert [f["content"] for f in hits] == ["The staging database is PostgreSQL"]
        assert http.get("/api/memories/search", params={"q": "kubernetes"}).json() == {"facts": []}
        assert http.get("/api/memories/search").status_code == 400


def test_a_fact_is_deleted_once(live: LiveServer) -> None:
    with live.client() as http:
        fact = http.post("/api/memories", json={"content": "temporary"}).json()
        assert http.delete(f"/api/memories/{fact['id']}").json() == {"deleted": fact["id"]}
        assert http.get("/api/memories").json()["facts"] == []
        again = http.delete(f"/api/memories/{fact['id']}")
        assert again.status_code == 404
        assert again.json() == {
            "error": f"memory fact not found: {fact['id']}",
            "code": "NOT_FOUND",
        }


def test_bad_facts_get_clear_errors(live: LiveServer, tmp_path: Path) -> None:
    with live.client() as http:
        no_path = http.post("/api/memories", json={"content": "x", "scope": "project"})
        assert no_path.status_code == 400
        assert no_path.json()["error"] == "a project fact needs project_path"
        missing = str(tmp_path / "nowhere")
        wrong = http.post(
            "/api/memories", json={"content": "x", "scope": "project", "project_path": missing}
        )
        assert wrong.json()["error"] == f"project path is not an existing directory: {missing}"
        blank = http.post("/api/memories", json={"content": "   "})
        assert blank.status_code == 400 and blank.json()["error"] == "the fact is empty"
        bad_category = http.post("/api/memories", json={"content": "x", "category": "gossip"})
        assert bad_category.status_code == 400 and bad_category.json()["code"] == "BAD_REQUEST"
        assert http.get("/api/memories", params={"project": missing}).status_code == 400
        assert http.get("/api/memories").json()["facts"] == []


def test_instructions_show_what_agents_read_in_a_project(live: LiveServer, project: Path) -> None:
    (project / "AURA.md").write_text("Always run the tests with pytest -q.\n")
    with live.client() as http:
        found = http.get("/api/memories/instructions", params={"project": str(project)}).json()
        assert found["files"] == [str(project / "AURA.md")]
        assert "Always run the tests with pytest -q." in found["text"]
        assert found["notices"] == []
        missing = http.get("/api/memories/instructions", params={"project": "/no/such/dir"})
        assert missing.status_code == 400
