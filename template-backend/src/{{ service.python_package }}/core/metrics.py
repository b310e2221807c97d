"""Prometheus metrics: request counts and latencies by route template, process metrics."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    generate_latest,
)
from prometheus_fastapi_instrumentator import Instrumentator, metrics
from starlette.requests import Request
from starlette.responses import Response


def build_registry() -> CollectorRegistry:
    """One registry per app (tests build many), with the process-wide collectors."""
    registry = CollectorRegistry(auto_describe=True)
    for collector in (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR):
        registry.register(collector)
    return registry


def instrument_requests(api: FastAPI, registry: CollectorRegistry) -> None:
    """`http_requests_total{handler,method,status}` and
    `http_request_duration_seconds{handler,method}`, handler being the route template."""
    instrumentator = Instrumentator(
        should_group_status_codes=False,
        should_ignore_untemplated=True,
        should_instrument_requests_inprogress=False,
        registry=registry,
    )
    instrumentator.add(
        metrics.requests(should_include_status=True, registry=registry),
        metrics.latency(should_include_status=False, registry=registry),
    )
    instrumentator.instrument(api)


def metrics_endpoint(registry: CollectorRegistry) -> Callable[[Request], Awaitable[Response]]:
    async def serve_metrics(_: Request) -> Response:
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    return serve_metrics
