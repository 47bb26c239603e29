"""MCP server configs and cached tools in the database; secrets masked and sealed."""

from __future__ import annotations

import json

from aura_core.store.mcp import MASK, McpServerConfig, McpStore, McpToolDef


def test_configs_round_trip_and_tools_are_cached(mcp_store: McpStore) -> None:
    cfg = McpServerConfig(
        "fs",
        "stdio",
        command="npx",
        args=["-y", "pkg", "/tmp"],
        env={"DEBUG": "1"},
        isolation="per_task",
    )
    mcp_store.save(cfg)
    assert mcp_store.get("fs") == cfg
    mcp_store.cache_tools("fs", [McpToolDef("fs", "read", "Read.", {"type": "object"})])
    assert [t.name for t in mcp_store.tools()] == ["read"]
    mcp_store.set_enabled("fs", False)
    assert mcp_store.get("fs").enabled is False
    assert mcp_store.delete("fs") and mcp_store.tools() == [] and not mcp_store.delete("fs")


def test_secret_values_are_masked_in_public_output(mcp_store: McpStore) -> None:
    cfg = McpServerConfig(
        "web",
        "http",
        url="https://x.example/mcp",
        headers={"Authorization": "Bearer abc", "X-Team": "blue"},
        env={"GITHUB_TOKEN": "ghp_1", "API_KEY": "k", "MODE": "fast"},
        oauth={"client_id": "cid", "client_secret": "shh"},
    )
    public = json.dumps(cfg.public_dict())
    for secret in ("Bearer abc", "ghp_1", '"k"', "shh"):
        assert secret not in public
    assert cfg.public_dict()["headers"] == {"Authorization": MASK, "X-Team": "blue"}
    assert cfg.public_dict()["env"] == {"GITHUB_TOKEN": MASK, "API_KEY": MASK, "MODE": "fast"}


class Rot13:
    def encrypt(self, plaintext: str) -> str:
        import codecs

        return codecs.encode(plaintext, "rot13")

    def decrypt(self, ciphertext: str) -> str:
        return self.encrypt(ciphertext)


def test_with_a_cipher_secrets_are_not_stored_in_plain_text(mcp_store: McpStore) -> None:
    sealed = McpStore(mcp_store.db, cipher=Rot13())
    cfg = McpServerConfig(
        "web",
        "http",
        url="https://x.example/mcp",
        headers={"Authorization": "Bearer abc"},
        env={"PASSWORD": "hunter2"},
        oauth={"client_id": "cid", "client_secret": "shh"},
    )
    sealed.save(cfg)
    raw = json.dumps(list(mcp_store.db.query("SELECT * FROM mcp_servers")))
    assert "Bearer abc" not in raw and "hunter2" not in raw and "shh" not in raw
    assert "cid" in raw
    assert sealed.get("web") == cfg


def test_search_task_messages_is_a_plain_substring_search(store, engine) -> None:  # type: ignore[no-untyped-def]
    from aura_core.messages import Message
    from aura_core.store.tasks import TaskRecord

    store = engine.store
    store.tasks.create(
        TaskRecord(
            id="t1", title="x", status="completed", mode="agent", model="m", project_path="/"
        )
    )
    store.tasks.add_message("t1", Message(role="user", content="Deploy 100% of the Blue app"))
    store.tasks.add_message("t1", Message(role="assistant", content="Deployed."))
    hits = McpStore(store.db).search_task_messages("blue APP")
    assert [(h.task_id, h.role) for h in hits] == [("t1", "user")]
    assert McpStore(store.db).search_task_messages("100%")[0].idx == 0
    assert McpStore(store.db).search_task_messages("1_0") == []
