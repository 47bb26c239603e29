"""A tool that needs approval waits until a client answers over HTTP."""

from __future__ import annotations

import json

from tests.server.conftest import LiveServer


def test_approval_over_http_releases_the_tool_call(live: LiveServer) -> None:
    live.engine.require_approval = frozenset({"echo"})
    with live.client() as http:
        with http.stream("POST", "/api/agent/run", json={"message": "please use echo"}) as resp:
            events = []
            for line in resp.iter_lines():
                if not line.startswith("data:"):
                    continue
                event = json.loads(line[5:])
                events.append(event)
                if event["type"] == "approval" and event["decision"] is None:
                    pending = http.get("/api/approvals/").json()["approvals"]
                    assert [p["tool"] for p in pending] == ["echo"]
                    answer = http.post(f"/api/approvals/{event['approval_id']}",
                                       json={"decision": "once"})
                    assert answer.status_code == 200
                if event["type"] == "done":
                    break
        result = next(e for e in events if e["type"] == "tool_result")
        assert result["content"] == "echo: hi" and not result["is_error"]
        assert events[-1]["status"] == "completed"
        missing = http.post("/api/approvals/nope", json={"decision": "once"})
        assert missing.status_code == 404 and missing.json()["code"] == "NOT_FOUND"
        bad = http.post("/api/approvals/nope", json={"decision": "maybe"})
        assert bad.status_code == 400
