"""``aura models``: providers and keys, custom endpoints, testing, health, prices and limits."""

from __future__ import annotations

import json
import logging
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import keyring
import pytest
from keyring.backends import null
from typer.testing import CliRunner

from aura_cli.commands.models import app
from aura_core.providers.catalog import load_catalog
from support import AURA

KEY = "sk-live-ZXY987secretVALUE6543"


class FakeOpenAI(BaseHTTPRequestHandler):
    """An OpenAI-compatible server: a model list and one streamed chat reply."""

    seen: list[dict[str, str]] = []

    def log_message(self, *args: object) -> None:  # keep test output quiet
        pass

    def _send(self, status: int, body: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self.seen.append({"path": self.path, "auth": self.headers.get("Authorization", "")})
        body = {
            "object": "list",
            "data": [
                {"id": "fake-model", "object": "model"},
                {"id": "fake-large", "object": "model"},
            ],
        }
        self._send(200, json.dumps(body).encode(), "application/json")

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length", 0))
        payload = json.loads(self.rfile.read(length))
        self.seen.append(
            {
                "path": self.path,
                "auth": self.headers.get("Authorization", ""),
                "model": payload["model"],
            }
        )
        base = {"id": "c1", "object": "chat.completion.chunk", "model": payload["model"]}
        chunks = [
            {**base, "choices": [{"index": 0, "delta": {"role": "assistant", "content": "Hello"}}]},
            {**base, "choices": [{"index": 0, "delta": {"content": " from mybox"}}]},
            {**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]},
            {
                **base,
                "choices": [],
                "usage": {"prompt_tokens": 12, "completion_tokens": 3, "total_tokens": 15},
            },
        ]
        body = "".join(f"data: {json.dumps(c)}\n\n" for c in chunks) + "data: [DONE]\n\n"
        self._send(200, body.encode(), "text/event-stream")


@pytest.fixture
def server() -> Iterator[str]:
    FakeOpenAI.seen = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), FakeOpenAI)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(autouse=True)
def no_os_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Keep the user's real keyring out of tests: the encrypted-file backend is used."""
    before = keyring.get_keyring()
    keyring.set_keyring(null.Keyring())
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    yield
    keyring.set_keyring(before)


def invoke(args: list[str], stdin: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, args, input=stdin)


def test_list_json_shows_every_catalog_provider_with_its_state(monkeypatch) -> None:
    monkeypatch.setenv("GROQ_API_KEY", "gsk-from-env")
    data = json.loads(invoke(["list", "--json"]).output)
    providers = {p["id"]: p for p in data["providers"]}
    assert set(load_catalog()) <= set(providers)
    assert providers["groq"]["key"] == "env" and providers["groq"]["configured"] is True
    assert providers["anthropic"]["key"] == "none" and providers["anthropic"]["configured"] is False
    assert providers["ollama"]["configured"] is True and providers["ollama"]["key"] == "not needed"
    assert "gsk-from-env" not in json.dumps(data)


def test_add_provider_validates_its_input() -> None:
    bad = [
        ["add-provider", "My Box", "--base-url", "http://x/v1"],
        ["add-provider", "openai", "--base-url", "http://x/v1"],
        ["add-provider", "box", "--base-url", "ftp://x"],
        ["add-provider", "box", "--base-url", "http://x/v1", "--wire", "soap"],
        ["add-provider", "box", "--base-url", "http://x/v1", "--auth", "magic"],
    ]
    for args in bad:
        result = invoke(args)
        assert result.exit_code != 0
        assert type(result.exception).__name__ == "UsageError", args


def test_key_set_rm_and_list_never_show_the_key() -> None:
    assert invoke(["key", "set", "anthropic"], stdin=KEY + "\n").exit_code == 0
    listed = invoke(["key", "list", "--json"])
    assert json.loads(listed.output) == ["anthropic"]
    data = invoke(["list", "--json"]).output
    assert json.loads(data)["providers"][0]["key"] == "stored" and KEY not in data
    assert invoke(["key", "rm", "anthropic"]).exit_code == 0
    assert type(invoke(["key", "rm", "anthropic"]).exception).__name__ == "NotFoundError"
    assert type(invoke(["key", "set", "nosuch"], stdin=KEY).exception).__name__ == "NotFoundError"


def test_custom_provider_key_works_for_a_run_and_is_never_readable(
    server: str, aura_home: Path, cli_env: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    added = invoke(["add-provider", "mybox", "--base-url", server, "--wire", "openai_chat"])
    assert added.exit_code == 0, added.output
    stored = invoke(["key", "set", "mybox"], stdin=KEY + "\n")
    assert stored.exit_code == 0 and KEY not in stored.output
    listed = json.loads(invoke(["list", "--json"]).output)
    mybox = next(p for p in listed["providers"] if p["id"] == "mybox")
    assert mybox["custom"] and mybox["key"] == "stored"

    tested = invoke(["test", "mybox"])
    assert tested.exit_code == 0 and "mybox: ok, 2 models" in tested.output
    models = invoke(["list", "mybox"])
    assert "mybox:fake-model" in models.output
    assert invoke(["use", "mybox:fake-model"]).exit_code == 0  # writes config.json

    env = {**cli_env, "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring", "AURA_DEBUG": "1"}
    run = subprocess.run(
        [*AURA, "run", "--chat", "--json", "hi"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    events = [json.loads(line) for line in run.stdout.splitlines()]
    assert "".join(e["text"] for e in events if e["type"] == "text") == "Hello from mybox"
    usage = next(e for e in events if e["type"] == "usage")
    assert usage["provider"] == "mybox" and usage["input_tokens"] == 12
    chat = [s for s in FakeOpenAI.seen if s["path"] == "/v1/chat/completions"]
    assert chat[-1]["auth"] == f"Bearer {KEY}" and chat[-1]["model"] == "fake-model"

    # the key is in no file under AURA_HOME (config, database, WAL, logs) and no output
    assert KEY not in run.stdout + run.stderr and KEY not in caplog.text
    files = [p for p in aura_home.rglob("*") if p.is_file()]
    assert {"config.json", "aura-workshop.db"} <= {p.name for p in files}
    for path in files:
        assert KEY.encode() not in path.read_bytes(), path


def test_a_failing_custom_provider_error_does_not_leak_the_key(server: str) -> None:
    invoke(["add-provider", "deadbox", "--base-url", "http://127.0.0.1:9/v1"])
    invoke(["key", "set", "deadbox"], stdin=KEY)
    result = invoke(["test", "deadbox"])
    assert result.exit_code != 0
    assert type(result.exception).__name__ == "ProviderError"
    assert "deadbox: cannot connect" in str(result.exception) and KEY not in str(result.exception)


def test_remove_provider_drops_it_and_its_key(server: str) -> None:
    invoke(["add-provider", "tmpbox", "--base-url", server])
    invoke(["key", "set", "tmpbox"], stdin=KEY)
    assert invoke(["remove-provider", "tmpbox"]).exit_code == 0
    assert json.loads(invoke(["key", "list", "--json"]).output) == []
    assert type(invoke(["test", "tmpbox"]).exception).__name__ == "NotFoundError"


def test_pricing_override_and_reset() -> None:
    shown = json.loads(invoke(["pricing", "gpt-4o-mini", "--json"]).output)
    assert "openai:gpt-4o-mini" in shown["defaults"] and shown["overrides"] == {}
    assert invoke(["price", "openai:gpt-4o-mini", "--input", "1", "--output", "2"]).exit_code == 0
    shown = json.loads(invoke(["pricing", "--json"]).output)
    assert shown["overrides"]["openai:gpt-4o-mini"]["output"] == 2.0
    reset = invoke(["pricing", "--reset"])
    assert "reset 1 price override" in reset.output
    assert json.loads(invoke(["pricing", "--json"]).output)["overrides"] == {}
    assert invoke(["price", "gpt-4o", "--input", "1", "--output", "2"]).exit_code != 0


def test_limit_and_status_show_spend_and_health() -> None:
    from aura_core.providers.health import HealthRegistry
    from aura_core.store import open_store
    from aura_core.store.providers import provider_rows
    from aura_core.store.usage import UsageRecord

    assert invoke(["limit", "openai", "--monthly", "10", "--alert", "0.5"]).exit_code == 0
    assert invoke(["limit", "openai", "--monthly", "10", "--alert", "5"]).exit_code != 0
    store = open_store()
    store.usage.record(UsageRecord(task_id=None, provider="openai", model="gpt-4o", cost=6.0))
    registry = HealthRegistry(rows=provider_rows(store))
    for _ in range(5):
        registry.breaker("openai").record_failure("openai: HTTP 503")
    store.close()
    data = json.loads(invoke(["status", "--json"]).output)
    assert data["health"][0]["provider"] == "openai" and data["health"][0]["state"] == "open"
    spend = data["spend"][0]
    assert spend["spent"] == 6.0 and spend["alerting"] is True and spend["over"] is False
    plain = invoke(["status"]).output
    assert "open" in plain and "$6.00 of $10.00" in plain
    assert invoke(["limit", "openai", "--remove"]).exit_code == 0
