"""Aura's error types: each carries a stable code and a one-line, user-facing message."""

from __future__ import annotations

from typing import Literal

__all__ = [
    "AuraError",
    "BudgetExceeded",
    "ConfigError",
    "NotFoundError",
    "ProviderError",
    "ProviderErrorKind",
    "ToolError",
    "UsageError",
]


class AuraError(Exception):
    """Base of every error Aura reports to a user.

    Attributes:
        message: one line, no traceback, safe to show (never contains a secret).
        code: a stable machine-readable code such as ``NOT_FOUND``.
    """

    code: str = "AURA_ERROR"
    exit_code: int = 1

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return self.message


class UsageError(AuraError):
    """The user asked for something malformed (bad flag value, missing directory...)."""

    code = "BAD_REQUEST"
    exit_code = 2


class ConfigError(AuraError):
    """The configuration file or an environment override is invalid."""

    code = "CONFIG_ERROR"
    exit_code = 2


class NotFoundError(AuraError):
    """A task, model, provider or file does not exist."""

    code = "NOT_FOUND"
    exit_code = 1


class ToolError(AuraError):
    """A tool refused or failed; the message goes back to the model as the tool result."""

    code = "TOOL_ERROR"


class BudgetExceeded(AuraError):
    """A task's or provider's spend limit has been reached."""

    code = "BUDGET"


ProviderErrorKind = Literal[
    "auth", "not_found", "rate_limit", "server", "overloaded", "context_length", "bad_request",
    "connection", "unavailable",
]


class ProviderError(AuraError):
    """A model provider failed.

    Attributes:
        kind: the error class, used by retries, the circuit breaker and fallback.
        provider: the provider's name.
        status: the HTTP status when there was one.
        retry_after: seconds the provider asked us to wait, if it said.
    """

    code = "PROVIDER_ERROR"

    def __init__(
        self,
        message: str,
        *,
        kind: ProviderErrorKind,
        provider: str = "",
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, code=f"PROVIDER_{kind.upper()}")
        self.kind = kind
        self.provider = provider
        self.status = status
        self.retry_after = retry_after

    @property
    def retryable(self) -> bool:
        """Whether waiting and trying again (or another provider) may help."""
        return self.kind in ("rate_limit", "server", "overloaded", "connection", "unavailable")
