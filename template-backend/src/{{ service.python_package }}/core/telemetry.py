"""OpenTelemetry tracing: W3C trace context always, OTLP/HTTP export when configured.

FastAPI traces each request itself: one server span named by its route template, child of
the caller's span. Its spans around dependencies, the endpoint and serialization are off:
they cost on every request and say little that the database spans and the route do not.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi.telemetry import TelemetryConfig
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.sampling import (
    ALWAYS_OFF,
    ALWAYS_ON,
    DEFAULT_OFF,
    DEFAULT_ON,
    ParentBasedTraceIdRatio,
    Sampler,
    TraceIdRatioBased,
)
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.types import Scope

from .config import Settings, TracesSampler

# Probes and scrapes would drown the traces that matter.
UNTRACED_SUFFIXES = ("/healthz", "/readyz")
# OTEL_TRACES_SAMPLER's values, as the OpenTelemetry specification names them; the ratio
# is OTEL_TRACES_SAMPLER_ARG.
SAMPLERS: dict[TracesSampler, Callable[[float], Sampler]] = {
    "always_on": lambda _: ALWAYS_ON,
    "always_off": lambda _: ALWAYS_OFF,
    "traceidratio": TraceIdRatioBased,
    "parentbased_always_on": lambda _: DEFAULT_ON,
    "parentbased_always_off": lambda _: DEFAULT_OFF,
    "parentbased_traceidratio": ParentBasedTraceIdRatio,
}


def build_tracer_provider(settings: Settings) -> TracerProvider:
    """A provider of our own (not the global one), so tests can build many apps."""
    provider = TracerProvider(
        sampler=SAMPLERS[settings.otel_traces_sampler](settings.otel_traces_sampler_arg),
        resource=Resource.create({SERVICE_NAME: settings.otel_service_name}),
    )
    if settings.otel_exporter_otlp_endpoint:
        exporter = OTLPSpanExporter(endpoint=f"{settings.otel_exporter_otlp_endpoint}/v1/traces")
        provider.add_span_processor(BatchSpanProcessor(exporter))
    return provider


# FastAPI's telemetry leaves alone a request whose scope has this key (it sets it to None
# itself, so that the apps mounted under an excluded request skip it too).
FASTAPI_TELEMETRY_KEY = "fastapi.telemetry"


def _is_probe(scope: Scope) -> bool:
    return str(scope.get("path", "")).endswith(UNTRACED_SUFFIXES)


def skip_probe_tracing(scope: Scope) -> None:
    """Mark a probe before it reaches the API, which then spends nothing on its telemetry
    (`exclude` below stays set: were the key to change, probes would still go untraced)."""
    if _is_probe(scope):
        scope[FASTAPI_TELEMETRY_KEY] = None


def request_tracing(provider: TracerProvider | None) -> TelemetryConfig:
    """FastAPI's telemetry settings: request spans from `provider`, when given; nothing else
    (Prometheus counts the requests, the log records the errors)."""
    return {
        "tracer_provider": provider,
        "tracing": provider is not None,
        "metrics": False,
        "logs": False,
        "operation_spans": False,
        "auto_configure": False,
        "exclude": _is_probe,
    }


def instrument_clients(engine: AsyncEngine, provider: TracerProvider) -> None:
    """Database and outgoing HTTP spans; the instrumentors patch process-wide state."""
    SQLAlchemyInstrumentor().instrument(engine=engine.sync_engine, tracer_provider=provider)
    HTTPXClientInstrumentor().instrument(tracer_provider=provider)


def uninstrument_clients() -> None:
    SQLAlchemyInstrumentor().uninstrument()
    HTTPXClientInstrumentor().uninstrument()
