"""Request ids and the access log line, for every request."""

from __future__ import annotations

import re
import time
import uuid

from loguru import logger
from opentelemetry import trace
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .context import request_id_var

REQUEST_ID_HEADER = "x-request-id"
# An incoming id is kept only when it is short and harmless in logs and headers.
VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
# Probes and scrapes log at DEBUG, so they do not drown the real traffic.
QUIET_SUFFIXES = ("/healthz", "/readyz", "/metrics")


def incoming_request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", []):
        if name == REQUEST_ID_HEADER.encode():
            candidate: str = value.decode("latin-1")
            if VALID_REQUEST_ID.match(candidate):
                return candidate
    return uuid.uuid4().hex


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = incoming_request_id(scope)
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500
        trace_id = "-"

        async def send_with_id(message: Message) -> None:
            nonlocal status, trace_id
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
                context = trace.get_current_span().get_span_context()
                if context.is_valid:
                    trace_id = format(context.trace_id, "032x")
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            path = scope["path"]
            level = "DEBUG" if path.endswith(QUIET_SUFFIXES) else "INFO"
            logger.bind(
                trace_id=trace_id,
                method=scope["method"],
                path=path,
                status=status,
                duration_ms=round((time.perf_counter() - started) * 1000, 2),
            ).log(level, "{} {} {}", scope["method"], path, status)
            request_id_var.reset(token)
