"""Security headers and the request size limit (applied by `requests.RequestMiddleware`), and
the rate limit (pure ASGI middleware)."""

from __future__ import annotations

import math
import time

from limits import RateLimitItem
from limits.aio.strategies import MovingWindowRateLimiter
from loguru import logger
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


def security_headers(*, hsts: bool, docs: bool) -> list[tuple[bytes, bytes]]:
    """The headers a response gets unless it set them itself, as raw ASGI pairs (built once)."""
    headers = {**SECURITY_HEADERS, "Content-Security-Policy": DOCS_CSP if docs else API_CSP}
    if hsts:
        headers["Strict-Transport-Security"] = HSTS
    return [(name.lower().encode(), value.encode()) for name, value in headers.items()]


class PayloadTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The request body is larger than {limit} bytes")


def declared_too_large(content_length: bytes | None, max_bytes: int) -> bool:
    return (
        content_length is not None and content_length.isdigit() and int(content_length) > max_bytes
    )


def payload_too_large(max_bytes: int) -> ASGIApp:
    return error_response(413, "payload_too_large", PayloadTooLarge(max_bytes).detail)


def counting_receive(receive: Receive, max_bytes: int) -> Receive:
    """`receive`, raising `PayloadTooLarge` once the body streamed in passes the limit."""
    received = 0

    async def receive_counted() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > max_bytes:
                raise PayloadTooLarge(max_bytes)
        return message

    return receive_counted


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
