"""One error body everywhere: ``{"error": "...", "code": "NOT_FOUND"}`` with the right status."""

from __future__ import annotations

import json
import logging

import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi.datastructures import ResponseSpec
from litestar.types import ExceptionHandlersMap

from aura_core.errors import AuraError

__all__ = ["ERRORS", "ErrorBody", "error_body", "exception_handlers", "status_for"]

log = logging.getLogger("aura.server")

_CODE_STATUS: dict[str, int] = {
    "BAD_REQUEST": 400,
    "CONFIG_ERROR": 400,
    "TOOL_ERROR": 400,
    "UNAUTHORIZED": 401,
    "BUDGET": 402,
    "FORBIDDEN": 403,
    "NOT_FOUND": 404,
    "PROVIDER_NOT_FOUND": 404,
    "PROVIDER_BAD_REQUEST": 400,
    "PROVIDER_CONTEXT_LENGTH": 400,
    "PROVIDER_RATE_LIMIT": 429,
    "PROVIDER_AUTH": 502,
    "PROVIDER_SERVER": 502,
    "PROVIDER_CONNECTION": 502,
    "PROVIDER_OVERLOADED": 503,
    "PROVIDER_UNAVAILABLE": 503,
}
_STATUS_CODE: dict[int, str] = {
    400: "BAD_REQUEST",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    409: "CONFLICT",
    413: "TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    429: "RATE_LIMITED",
}


class ErrorBody(msgspec.Struct):
    """The body of every error response."""

    error: str
    code: str


def _spec(description: str) -> ResponseSpec:
    return ResponseSpec(ErrorBody, description=description, generate_examples=False)


#: Error responses every route documents (passed as ``responses=`` to each handler).
ERRORS: dict[int, ResponseSpec] = {
    400: _spec("Invalid request"),
    401: _spec("Missing or invalid token"),
    403: _spec("Host or Origin not allowed"),
    404: _spec("Not found"),
    413: _spec("Request body too large"),
}


def status_for(code: str) -> int:
    """The HTTP status of an Aura error code (400 when the code is unknown)."""
    return _CODE_STATUS.get(code, 400)


def error_body(message: str, code: str) -> bytes:
    """The JSON error body, encoded."""
    return json.dumps({"error": message, "code": code}, ensure_ascii=False).encode()


def _respond(message: str, code: str, status: int) -> Response[bytes]:
    return Response(error_body(message, code), status_code=status, media_type="application/json")


def _aura(_request: Request, exc: AuraError) -> Response[bytes]:
    return _respond(exc.message, exc.code, status_for(exc.code))


def _http(_request: Request, exc: HTTPException) -> Response[bytes]:
    status = exc.status_code
    message = str(exc.detail or "error")
    if isinstance(exc, ValidationException) and exc.extra:
        problems = exc.extra if isinstance(exc.extra, list) else [exc.extra]
        details = "; ".join(
            f"{p.get('key') or 'body'}: {p.get('message')}" if isinstance(p, dict) else str(p)
            for p in problems
        )
        message = f"invalid request: {details}"
    code = _STATUS_CODE.get(status, "INTERNAL" if status >= 500 else "BAD_REQUEST")
    return _respond(message, code, status)


def _unexpected(request: Request, exc: Exception) -> Response[bytes]:
    # The type name only: exception text can carry paths or keys we must not echo to clients.
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return _respond(f"internal error ({type(exc).__name__})", "INTERNAL", 500)


def exception_handlers() -> ExceptionHandlersMap:
    """The handlers every layer of the app uses."""
    return {AuraError: _aura, HTTPException: _http, Exception: _unexpected}
