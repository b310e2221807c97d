"""Security headers, the request size limit and the rate limit (pure ASGI middleware)."""

from __future__ import annotations

import math
import time

from limits import RateLimitItem
from limits.aio.strategies import MovingWindowRateLimiter
from loguru import logger
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import error_response
from .limiter_storage import LimiterStorage

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
# JSON needs no scripts, styles or frames.
API_CSP = "default-src 'none'; frame-ancestors 'none'"
# The interactive docs load their assets from this service alone: the browser refuses any
# other origin, such as the logo ReDoc's bundle names on a CDN (the page works offline).
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; worker-src 'self' blob:; frame-ancestors 'none'"
)
DOCS_SUFFIXES = ("/docs", "/docs/oauth2-redirect", "/redoc")
HSTS = "max-age=31536000; includeSubDomains"
# Probes and scrapes are never rate limited: a busy client must not make a pod unready.
UNLIMITED_SUFFIXES = ("/healthz", "/readyz", "/metrics")


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_docs = scope["path"].endswith(DOCS_SUFFIXES)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                headers.setdefault("Content-Security-Policy", DOCS_CSP if is_docs else API_CSP)
                if self.hsts:
                    headers.setdefault("Strict-Transport-Security", HSTS)
            await send(message)

        await self.app(scope, receive, send_with_headers)


class PayloadTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The request body is larger than {limit} bytes")


class BodySizeLimitMiddleware:
    """Rejects bodies over the limit: at once by Content-Length, else while streaming."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope["headers"]:
            if name == b"content-length" and value.isdigit() and int(value) > self.max_bytes:
                response = error_response(
                    413, "payload_too_large", PayloadTooLarge(self.max_bytes).detail
                )
                await response(scope, receive, send)
                return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise PayloadTooLarge(self.max_bytes)
            return message

        await self.app(scope, counting_receive, send)


class RateLimitMiddleware:
    """A moving window per client address, in memory or in Redis (shared by the replicas)."""

    def __init__(self, app: ASGIApp, *, limit: RateLimitItem, storage: LimiterStorage) -> None:
        self.app = app
        self.limit = limit
        self.storage = storage
        self.limiter = (
            MovingWindowRateLimiter(storage.storage) if storage.storage is not None else None
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].endswith(UNLIMITED_SUFFIXES):
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        key = client[0] if client else "unknown"
        if self.limiter is None:
            await self._unavailable(scope, receive, send)
            return
        try:
            allowed = await self.limiter.hit(self.limit, key)
        except Exception as error:  # the shared store is away: refuse rather than not count
            logger.warning("rate limit: {}: {}", type(error).__name__, error)
            await self._unavailable(scope, receive, send)
            return
        if allowed:
            await self.app(scope, receive, send)
            return
        stats = await self.limiter.get_window_stats(self.limit, key)
        retry_after = max(1, math.ceil(stats.reset_time - time.time()))
        response = error_response(
            429,
            "rate_limited",
            f"Too many requests: the limit is {self.limit}",
            headers={"Retry-After": str(retry_after)},
        )
        await response(scope, receive, send)

    async def _unavailable(self, scope: Scope, receive: Receive, send: Send) -> None:
        reason = self.storage.problem or "Redis (REDIS_URL) is unreachable"
        message = f"The rate limit cannot be counted: {reason}"
        await error_response(503, "service_unavailable", message)(scope, receive, send)
