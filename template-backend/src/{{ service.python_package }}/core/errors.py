"""Every error leaves as `{"error": {"code", "message", "details"}}`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from loguru import logger
from sqlalchemy import exc as db_errors
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import compile_path
from starlette.types import Scope

from ..schemas.errors import ErrorCode, ErrorResponse, error_body

CODES: dict[int, ErrorCode] = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    422: "validation_error",
    429: "rate_limited",
}
# Documented on every operation, so clients know the error shape.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    422: {"model": ErrorResponse, "description": "The request is not valid"},
    429: {"model": ErrorResponse, "description": "Too many requests"},
    500: {"model": ErrorResponse, "description": "Internal error"},
    503: {"model": ErrorResponse, "description": "The database is unavailable: retry later"},
}
NOT_FOUND_RESPONSE: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorResponse, "description": "No such item"}
}
# Failures that pass once the database is back: the client should retry, not give up.
UNAVAILABLE_ERRORS: tuple[type[Exception], ...] = (
    db_errors.OperationalError,
    db_errors.InterfaceError,
    db_errors.TimeoutError,  # no pooled connection came free in time
    OSError,  # refused, reset or unresolvable before the driver wraps it
    TimeoutError,
)
RETRY_AFTER_SECONDS = 5
WRITE_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "The body cannot be decoded"},
    413: {"model": ErrorResponse, "description": "The body is too large"},
}


def error_response(
    status: int,
    code: ErrorCode,
    message: str,
    details: list[dict[str, Any]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    return JSONResponse(error_body(code, message, details), status_code=status, headers=headers)


def _validation_details(error: RequestValidationError) -> list[dict[str, Any]]:
    return [
        {"loc": [part if isinstance(part, int) else str(part) for part in item["loc"]],
         "message": item["msg"]}
        for item in error.errors()
    ]  # fmt: skip


async def _on_validation(_: Request, error: Exception) -> Response:
    if not isinstance(error, RequestValidationError):  # registered for this type only
        raise error
    return error_response(
        422, "validation_error", "The request is not valid", _validation_details(error)
    )


async def on_http_error(_: Request, error: Exception) -> Response:
    if not isinstance(error, HTTPException):  # registered for this type only
        raise error
    code = CODES.get(error.status_code, "http_error")
    message = error.detail if isinstance(error.detail, str) else code.replace("_", " ")
    return error_response(error.status_code, code, message, headers=error.headers)


async def _on_unexpected(request: Request, error: Exception) -> Response:
    logger.opt(exception=error).error("unhandled error on {} {}", request.method, request.url.path)
    return error_response(500, "internal_error", "Internal error")


async def _on_unavailable(request: Request, error: Exception) -> Response:
    logger.opt(exception=error).warning(
        "database unavailable on {} {}", request.method, request.url.path
    )
    return error_response(
        503,
        "service_unavailable",
        "The database is unavailable: retry later",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def allowed_methods(app: FastAPI, scope: Scope) -> list[str]:
    """Every documented method of the path (each route serves one method, so ask the
    document, which lists them all per path)."""
    path, root = scope["path"], scope.get("root_path", "")
    path = path.removeprefix(root) if root else path
    for template, operations in app.openapi()["paths"].items():
        regex, _, _ = compile_path(template)
        if regex.match(path):
            return sorted(method.upper() for method in operations)
    return []


def install_error_handlers(app: FastAPI) -> None:
    async def on_method_not_allowed(request: Request, error: Exception) -> Response:
        allow = ", ".join(allowed_methods(app, request.scope))
        return error_response(
            405, "method_not_allowed", "Method Not Allowed", headers={"Allow": allow}
        )

    app.add_exception_handler(405, on_method_not_allowed)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(HTTPException, on_http_error)
    for unavailable in UNAVAILABLE_ERRORS:
        app.add_exception_handler(unavailable, _on_unavailable)
    app.add_exception_handler(Exception, _on_unexpected)
