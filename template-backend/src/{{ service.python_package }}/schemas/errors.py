"""The one error body every failure uses."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

ErrorCode = Literal[
    "bad_request",
    "validation_error",
    "not_found",
    "unauthorized",
    "forbidden",
    "method_not_allowed",
    "payload_too_large",
    "rate_limited",
    "internal_error",
    "service_unavailable",
    "http_error",
]


class ErrorDetail(BaseModel):
    loc: list[str | int] = Field(default_factory=list)
    message: str


class Error(BaseModel):
    code: ErrorCode
    message: str
    details: list[ErrorDetail] = Field(default_factory=list)


class ErrorResponse(BaseModel):
    error: Error


def error_body(
    code: ErrorCode, message: str, details: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    return ErrorResponse(
        error=Error(code=code, message=message, details=[ErrorDetail(**d) for d in details or []])
    ).model_dump(mode="json")
