"""Prometheus metrics: request counts and latencies by route template, process metrics."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match
from starlette.types import Scope


def build_registry() -> CollectorRegistry:
    """One registry per app (tests build many), with the process-wide collectors."""
    registry = CollectorRegistry(auto_describe=True)
    for collector in (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR):
        registry.register(collector)
    return registry


class RequestMetrics:
    """`http_requests_total{handler,method,status}` and
    `http_request_duration_seconds{handler,method}`, handler being the route template.

    FastAPI records the operation it chose in the scope, so the template of an API call
    costs no second match; other routes (the OpenAPI document, the docs' assets) are matched
    again. Requests no route took (404s) are not counted: a scan of random paths cannot
    grow the series without bound. Each series is looked up once, then kept.
    """

    def __init__(self, *, registry: CollectorRegistry, routes: list[BaseRoute]) -> None:
        self.routes = routes
        self.requests = Counter(
            "http_requests_total",
            "Total number of requests by method, status and handler.",
            ("handler", "method", "status"),
            registry=registry,
        )
        self.latency = Histogram(
            "http_request_duration_seconds",
            "Duration of HTTP requests in seconds",
            ("handler", "method"),
            registry=registry,
        )
        self._series: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}

    def record(self, scope: Scope, outer_route: object, status: int, seconds: float) -> None:
        """Count a request the API answered; `outer_route` is the scope's route before."""
        method = scope["method"]
        route = scope.get("route")
        if route is not outer_route and route is not None:
            handler: str | None = route.path
        else:
            handler = self._template(method, scope["path"], scope["root_path"])
        if handler is None:
            return
        key = (handler, method, status)
        series = self._series.get(key)
        if series is None:
            series = (
                self.requests.labels(handler, method, str(status)),
                self.latency.labels(handler, method),
            )
            self._series[key] = series
        count, latency = series
        count.inc()
        latency.observe(seconds)

    def _template(self, method: str, path: str, root_path: str) -> str | None:
        probe = {"type": "http", "method": method, "path": path, "root_path": root_path}
        for route in self.routes:
            template = getattr(route, "path", None)
            if template is not None and route.matches(probe)[0] is not Match.NONE:
                return str(template)
        return None


def metrics_endpoint(registry: CollectorRegistry) -> Callable[[Request], Awaitable[Response]]:
    async def serve_metrics(_: Request) -> Response:
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    return serve_metrics
