"""Secrets at rest: a master key in the OS keyring (or a key file), values AES-256-GCM in SQLite."""

from __future__ import annotations

import base64
import hashlib
import os
import secrets as _random
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from aura_core import paths
from aura_core.errors import ConfigError, UsageError
from aura_core.store.providers import ProviderStore, provider_rows

if TYPE_CHECKING:
    from aura_core.store.db import Store

__all__ = [
    "KEYRING_SERVICE",
    "MASTER_KEY_ENV",
    "SecretStore",
    "api_key_name",
    "backend_name",
    "get_api_key",
    "key_file_path",
]

KEYRING_SERVICE = "aura-workshop"
MASTER_KEY_ENV = "AURA_MASTER_KEY"
_KEYRING_USER = "master-key"
_NONCE_BYTES = 12
BackendKind = Literal["keyring", "env", "file"]


def key_file_path() -> Path:
    """Where the file backend keeps its master key (0600) when no keyring is usable."""
    return paths.user_dir() / "master.key"


def _usable_keyring() -> object | None:
    """The OS keyring backend, or None when it is missing, a stub, or stores plain text."""
    try:
        import keyring
        from keyring.backends import chainer, fail
    except ImportError:
        return None
    backend = keyring.get_keyring()
    candidates = backend.backends if isinstance(backend, chainer.ChainerBackend) else [backend]
    for candidate in candidates:
        module = type(candidate).__module__
        if isinstance(candidate, fail.Keyring) or module.startswith(
            ("keyring.backends.null", "keyrings.alt", "keyring.backends.fail")
        ):
            continue
        return backend
    return None


def _kind() -> BackendKind:
    if os.environ.get(MASTER_KEY_ENV):
        return "env"
    return "keyring" if _usable_keyring() is not None else "file"


def backend_name() -> str:
    """Describe where the master key lives, for ``aura doctor``.

    Returns:
        e.g. ``keyring (SecretService Keyring)``, ``env (AURA_MASTER_KEY)`` or
        ``encrypted file (key in ~/.aura/master.key)``.
    """
    kind = _kind()
    if kind == "env":
        return f"env ({MASTER_KEY_ENV})"
    if kind == "keyring":
        return f"keyring ({type(_usable_keyring()).__name__})"
    return f"encrypted file (key in {key_file_path()})"


def _derive(text: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(text.strip() + "=" * (-len(text.strip()) % 4))
    except (ValueError, TypeError):
        raw = b""
    return raw if len(raw) == 32 else hashlib.sha256(text.encode()).digest()


def _file_key() -> bytes:
    path = key_file_path()
    if path.exists():
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            raise ConfigError(
                f"the key file {path} is readable by others (mode {mode:o}); run: chmod 600 {path}"
            )
        return _derive(path.read_text())
    path.parent.mkdir(parents=True, exist_ok=True)
    text = base64.urlsafe_b64encode(_random.token_bytes(32)).decode()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first
        return _derive(path.read_text())
    with os.fdopen(fd, "w") as handle:
        handle.write(text + "\n")
    return _derive(text)


def _keyring_key() -> bytes | None:
    import keyring
    from keyring.errors import KeyringError

    try:
        text = keyring.get_password(KEYRING_SERVICE, _KEYRING_USER)
        if not text:
            text = base64.urlsafe_b64encode(_random.token_bytes(32)).decode()
            keyring.set_password(KEYRING_SERVICE, _KEYRING_USER, text)
    except KeyringError:
        return None
    return _derive(text)


def _master_key() -> bytes:
    kind = _kind()
    if kind == "env":
        return _derive(os.environ[MASTER_KEY_ENV])
    if kind == "keyring":
        key = _keyring_key()
        if key is not None:
            return key
    return _file_key()


def api_key_name(provider_id: str) -> str:
    """The secret name that holds a provider's API key."""
    return f"api_key:{provider_id}"


class SecretStore:
    """Named secrets, encrypted with AES-256-GCM; values never leave except through ``get``.

    Args:
        store: the open database.
    """

    def __init__(self, store: Store) -> None:
        self._rows: ProviderStore = provider_rows(store)
        self._key: bytes | None = None

    def _aead(self) -> AESGCM:
        if self._key is None:
            self._key = _master_key()
        return AESGCM(self._key)

    def set(self, name: str, value: str) -> None:
        """Encrypt and store ``value`` under ``name``.

        Raises:
            UsageError: the name or value is empty.
        """
        if not name.strip():
            raise UsageError("a secret needs a name")
        if not value:
            raise UsageError(f"empty value for secret {name}")
        nonce = _random.token_bytes(_NONCE_BYTES)
        blob = self._aead().encrypt(nonce, value.encode(), name.encode())
        self._rows.put_secret(name, nonce, blob)

    def get(self, name: str) -> str | None:
        """Decrypt the value stored under ``name``.

        Returns:
            The value, or None when no secret has that name.

        Raises:
            ConfigError: the value cannot be decrypted with the current master key.
        """
        row = self._rows.get_secret(name)
        if row is None:
            return None
        nonce, blob = row
        try:
            return self._aead().decrypt(nonce, blob, name.encode()).decode()
        except InvalidTag:
            raise ConfigError(
                f"cannot decrypt secret {name}: the master key changed ({backend_name()}); "
                "set the secret again"
            ) from None

    def delete(self, name: str) -> bool:
        """Remove a secret; False when there was none."""
        return self._rows.delete_secret(name)

    def list_names(self) -> list[str]:
        """Names of the stored secrets (never their values)."""
        return self._rows.secret_names()


def get_api_key(
    provider_id: str, store: Store | None = None, key_env: str | None = None
) -> str | None:
    """A provider's API key: its environment variable first, then the secret store.

    Args:
        provider_id: the catalog or custom provider id.
        store: the database holding the secret store; without one only the environment is read.
        key_env: the environment variable to read; by default the catalog's, or
            ``<ID>_API_KEY`` for custom providers.

    Returns:
        The key, or None when none is configured.
    """
    if key_env is None:
        from aura_core.providers.catalog import load_catalog

        info = load_catalog().get(provider_id)
        key_env = info.key_env if info else provider_id.upper().replace("-", "_") + "_API_KEY"
    if key_env and os.environ.get(key_env):
        return os.environ[key_env]
    if store is None:
        return None
    return SecretStore(store).get(api_key_name(provider_id))


class SecretCipher:
    """Seals short strings (MCP env values, headers, OAuth secrets) with the master key.

    The ciphertext is printable: base64 of a 12-byte nonce and the AES-256-GCM output.
    """

    _AAD = b"aura-sealed-value"

    def __init__(self) -> None:
        self._key: bytes | None = None

    def _aead(self) -> AESGCM:
        if self._key is None:
            self._key = _master_key()
        return AESGCM(self._key)

    def encrypt(self, plaintext: str) -> str:
        """Seal ``plaintext``."""
        nonce = _random.token_bytes(_NONCE_BYTES)
        blob = self._aead().encrypt(nonce, plaintext.encode(), self._AAD)
        return base64.urlsafe_b64encode(nonce + blob).decode()

    def decrypt(self, ciphertext: str) -> str:
        """Open a value sealed by :meth:`encrypt`.

        Raises:
            ConfigError: the master key changed or the value was tampered with.
        """
        raw = base64.urlsafe_b64decode(ciphertext.encode())
        try:
            return self._aead().decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], self._AAD).decode()
        except InvalidTag:
            raise ConfigError(
                f"cannot decrypt a stored secret: the master key changed ({backend_name()})"
            ) from None
