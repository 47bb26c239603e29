"""Every route but the public ones needs the token; foreign hosts and open binds are refused."""

from __future__ import annotations

import re
import subprocess
import sys

import httpx
import pytest
from tests.server.conftest import LiveServer

from aura_cli.server.auth import PUBLIC_ROUTES, check_bind
from aura_core.errors import UsageError


def _operations(live: LiveServer) -> list[tuple[str, str]]:
    with live.client() as http:
        schema = http.get("/schema/openapi.json").json()
    ops = []
    for path, methods in schema["paths"].items():
        concrete = re.sub(r"\{[^}]+\}", "abcd1234", path)
        ops += [(method.upper(), concrete) for method in methods]
    return ops


def test_the_schema_lists_the_api_and_gateway_routes(live: LiveServer) -> None:
    ops = set(_operations(live))
    for expected in [
        ("GET", "/api/tasks"),
        ("POST", "/api/agent/run"),
        ("GET", "/api/events"),
        ("POST", "/v1/chat/completions"),
        ("POST", "/v1/messages"),
        ("POST", "/api/chat"),
        ("GET", "/api/tags"),
    ]:
        assert expected in ops


@pytest.mark.parametrize("token", [None, "wrong-token", ""])
def test_every_route_but_the_public_ones_answers_401(live: LiveServer, token: str | None) -> None:
    ops = _operations(live)
    assert len(ops) > 25
    with live.client(token=token) as http:
        for method, path in ops:
            response = http.request(method, path, json={})
            if (method, path) in PUBLIC_ROUTES:
                assert response.status_code == 200, path
                continue
            assert response.status_code == 401, f"{method} {path}"
            assert response.json() == {
                "error": "missing or invalid token (send Authorization: Bearer ...)",
                "code": "UNAUTHORIZED",
            }
        # the schema itself and unknown paths are guarded too
        assert http.get("/schema/openapi.json").status_code == 401
        assert http.get("/no/such/route").status_code == 401


def test_the_token_is_accepted_as_bearer_or_x_api_key(live: LiveServer) -> None:
    with httpx.Client(base_url=live.url) as http:
        assert (
            http.get("/api/auth/check", headers={"x-api-key": str(live.token)}).status_code == 200
        )
        assert (
            http.get(
                "/api/auth/check", headers={"Authorization": f"bearer {live.token}"}
            ).status_code
            == 200
        )
        assert (
            http.get(
                "/api/auth/check", headers={"Authorization": f"Basic {live.token}"}
            ).status_code
            == 401
        )


def test_a_foreign_host_header_is_refused(live: LiveServer) -> None:
    with live.client() as http:
        refused = http.get("/api/tasks", headers={"Host": "evil.example"})
        assert refused.status_code == 403
        assert refused.json() == {"error": "host not allowed: evil.example", "code": "FORBIDDEN"}
        assert http.get("/api/health", headers={"Host": "evil.example:18800"}).status_code == 403
        assert http.get("/api/tasks", headers={"Host": "localhost:18800"}).status_code == 200


def test_a_foreign_origin_is_refused_and_no_cors_is_granted(live: LiveServer) -> None:
    with live.client() as http:
        refused = http.get("/api/tasks", headers={"Origin": "https://evil.example"})
        assert refused.status_code == 403 and refused.json()["code"] == "FORBIDDEN"
        local = http.get("/api/tasks", headers={"Origin": "http://localhost:5173"})
        assert local.status_code == 200
        assert "access-control-allow-origin" not in local.headers


def test_errors_use_one_body_everywhere(live: LiveServer) -> None:
    with live.client() as http:
        assert http.get("/api/tasks/nosuchtask").json() == {
            "error": "task not found: nosuchtask",
            "code": "NOT_FOUND",
        }
        missing = http.get("/api/nothing-here")
        assert missing.status_code == 404 and missing.json()["code"] == "NOT_FOUND"
        wrong_method = http.patch("/api/tasks")
        assert wrong_method.status_code == 405
        assert wrong_method.json()["code"] == "METHOD_NOT_ALLOWED"
        invalid = http.post("/api/tasks", json={"message": 5})
        assert invalid.status_code == 400 and invalid.json()["code"] == "BAD_REQUEST"
        assert "message" in invalid.json()["error"]
        assert http.get("/api/tasks?limit=0").json()["code"] == "BAD_REQUEST"


def test_an_oversized_body_is_refused(live: LiveServer) -> None:
    with live.client() as http:
        response = http.post(
            "/api/tasks",
            content=b"x" * (17 * 1024 * 1024),
            headers={"Content-Type": "application/json"},
        )
    assert response.status_code == 413 and response.json()["code"] == "TOO_LARGE"


def test_binding_beyond_loopback_needs_a_token() -> None:
    with pytest.raises(UsageError, match="refusing to listen on 0.0.0.0 without a token"):
        check_bind("0.0.0.0", None)
    check_bind("0.0.0.0", "secret")
    check_bind("127.0.0.1", None)
    check_bind("::1", None)


def test_aura_serve_on_all_interfaces_without_a_token_exits_with_a_clear_message(
    cli_env: dict[str, str],
) -> None:
    # main.py registers the command this way; run() turns errors into one line.
    code = (
        "from aura_cli.main import app, run; from aura_cli.commands.serve import serve; "
        "app.command('serve')(serve); run()"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, "serve", "--host", "0.0.0.0"],
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith("aura: error: refusing to listen on 0.0.0.0 without a token")
