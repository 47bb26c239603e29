"""The secret store: keyring or encrypted-file master key, AES-GCM values, keys resolution."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import null

from aura_core.errors import ConfigError
from aura_core.secrets import (
    SecretStore,
    api_key_name,
    backend_name,
    get_api_key,
    key_file_path,
)
from aura_core.store import open_store

SECRET = "sk-test-9f8e7d6c5b4a39281706"


class MemoryKeyring(KeyringBackend):
    """A keyring that lives in a dict (stands in for Secret Service / Keychain)."""

    priority = 10  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.items.pop((service, username), None)


class PlaintextKeyring(MemoryKeyring):
    """Looks like keyrings.alt's plaintext file backend, which must not be trusted."""


PlaintextKeyring.__module__ = "keyrings.alt.file"


@pytest.fixture
def use_keyring() -> Iterator[object]:
    before = keyring.get_keyring()

    def use(backend: KeyringBackend) -> KeyringBackend:
        keyring.set_keyring(backend)
        return backend

    yield use
    keyring.set_keyring(before)


def test_without_a_keyring_the_file_backend_encrypts_values(use_keyring, aura_home: Path) -> None:
    use_keyring(null.Keyring())
    store = open_store()
    secrets = SecretStore(store)
    secrets.set(api_key_name("openai"), SECRET)
    assert secrets.get(api_key_name("openai")) == SECRET
    assert secrets.list_names() == ["api_key:openai"]
    assert "encrypted file" in backend_name()
    key_file = key_file_path()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    store.close()
    for path in (store.path, *store.path.parent.glob("*")):
        assert SECRET.encode() not in path.read_bytes()
    # a new process (new SecretStore, same key file) still reads it
    again = open_store()
    assert SecretStore(again).get(api_key_name("openai")) == SECRET
    assert SecretStore(again).delete(api_key_name("openai")) is True
    assert SecretStore(again).get(api_key_name("openai")) is None
    again.close()


def test_plaintext_keyrings_are_not_trusted(use_keyring) -> None:
    use_keyring(PlaintextKeyring())
    assert "encrypted file" in backend_name()


def test_a_real_keyring_holds_the_master_key(use_keyring) -> None:
    backend = use_keyring(MemoryKeyring())
    store = open_store()
    SecretStore(store).set("api_key:groq", SECRET)
    assert backend_name().startswith("keyring")
    assert len(backend.items) == 1 and SECRET not in next(iter(backend.items.values()))
    assert not key_file_path().exists()
    assert SecretStore(store).get("api_key:groq") == SECRET
    store.close()


def test_master_key_from_the_environment(use_keyring, monkeypatch: pytest.MonkeyPatch) -> None:
    use_keyring(null.Keyring())
    monkeypatch.setenv("AURA_MASTER_KEY", "correct horse battery staple")
    store = open_store()
    SecretStore(store).set("api_key:mistral", SECRET)
    assert backend_name() == "env (AURA_MASTER_KEY)"
    assert not key_file_path().exists()
    monkeypatch.setenv("AURA_MASTER_KEY", "another key")
    with pytest.raises(ConfigError) as caught:
        SecretStore(store).get("api_key:mistral")
    assert "master key changed" in caught.value.message and SECRET not in caught.value.message
    store.close()


def test_a_key_file_readable_by_others_is_refused(use_keyring) -> None:
    use_keyring(null.Keyring())
    path = key_file_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("abc\n")
    os.chmod(path, 0o644)
    store = open_store()
    with pytest.raises(ConfigError, match="chmod 600"):
        SecretStore(store).set("x", "y")
    store.close()


def test_api_key_comes_from_the_environment_first(use_keyring, monkeypatch) -> None:
    use_keyring(null.Keyring())
    store = open_store()
    assert get_api_key("openai", store) is None
    SecretStore(store).set(api_key_name("openai"), "stored-key-123")
    assert get_api_key("openai", store) == "stored-key-123"
    monkeypatch.setenv("OPENAI_API_KEY", "env-key-456")
    assert get_api_key("openai", store) == "env-key-456"
    assert get_api_key("openai") == "env-key-456"
    store.close()
