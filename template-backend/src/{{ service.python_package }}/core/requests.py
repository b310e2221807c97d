"""What every request gets, in one pure-ASGI layer: one wrapper of `send`, one pass over the
request's headers. Its id (the caller's when valid, else a new one) in the context, the logs
and the response; the security headers; the body size limit; the access log line."""

from __future__ import annotations

import os
import re
import time

from loguru import logger
from opentelemetry import trace
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .context import request_id_var
from .security import (
    DOCS_SUFFIXES,
    counting_receive,
    declared_too_large,
    payload_too_large,
    security_headers,
)

REQUEST_ID_HEADER = b"x-request-id"
# An incoming id is kept only when it is short and harmless in logs and headers.
VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
# Probes and scrapes log at DEBUG, so they do not drown the real traffic.
QUIET_SUFFIXES = ("/healthz", "/readyz", "/metrics")


def new_request_id() -> str:
    """32 hex digits, as a random UUID's: 128 random bits."""
    return os.urandom(16).hex()


class RequestMiddleware:
    def __init__(self, app: ASGIApp, *, hsts: bool, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.api_headers = security_headers(hsts=hsts, docs=False)
        self.docs_headers = security_headers(hsts=hsts, docs=True)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id: str | None = None
        content_length: bytes | None = None
        for name, value in scope["headers"]:
            if name == REQUEST_ID_HEADER:
                candidate = value.decode("latin-1")
                if request_id is None and VALID_REQUEST_ID.match(candidate):
                    request_id = candidate
            elif name == b"content-length":
                content_length = value
        request_id = request_id or new_request_id()
        raw_id = request_id.encode("latin-1")
        path: str = scope["path"]
        defaults = self.docs_headers if path.endswith(DOCS_SUFFIXES) else self.api_headers
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500
        trace_id = "-"

        async def send_with_headers(message: Message) -> None:
            nonlocal status, trace_id
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", ()))
                present = {name for name, _ in headers}
                if REQUEST_ID_HEADER in present:
                    headers = [header for header in headers if header[0] != REQUEST_ID_HEADER]
                headers += [header for header in defaults if header[0] not in present]
                headers.append((REQUEST_ID_HEADER, raw_id))
                message["headers"] = headers
                context = trace.get_current_span().get_span_context()
                if context.is_valid:
                    trace_id = format(context.trace_id, "032x")
            await send(message)

        try:
            if declared_too_large(content_length, self.max_body_bytes):
                await payload_too_large(self.max_body_bytes)(scope, receive, send_with_headers)
            elif content_length is None:  # a streamed body, or none: count what arrives
                await self.app(
                    scope, counting_receive(receive, self.max_body_bytes), send_with_headers
                )
            else:  # the server delivers no more than the declared length, within the limit
                await self.app(scope, receive, send_with_headers)
        finally:
            method = scope["method"]
            logger.log(
                "DEBUG" if path.endswith(QUIET_SUFFIXES) else "INFO",
                "{} {} {}",
                method,
                path,
                status,
                trace_id=trace_id,
                method=method,
                path=path,
                status=status,
                duration_ms=round((time.perf_counter() - started) * 1000, 2),
            )
            request_id_var.reset(token)
