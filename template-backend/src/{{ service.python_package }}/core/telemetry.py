"""OpenTelemetry tracing: W3C trace context always, OTLP/HTTP export when configured."""

from __future__ import annotations

from fastapi import FastAPI
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from sqlalchemy.ext.asyncio import AsyncEngine

from .config import Settings

# Probes and scrapes would drown the traces that matter.
UNTRACED_URLS = "healthz,readyz"


def build_tracer_provider(settings: Settings) -> TracerProvider:
    """A provider of our own (not the global one), so tests can build many apps."""
    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: settings.otel_service_name}))
    if settings.otel_exporter_otlp_endpoint:
        exporter = OTLPSpanExporter(endpoint=f"{settings.otel_exporter_otlp_endpoint}/v1/traces")
        provider.add_span_processor(BatchSpanProcessor(exporter))
    return provider


def instrument_app(api: FastAPI, provider: TracerProvider) -> None:
    FastAPIInstrumentor.instrument_app(api, tracer_provider=provider, excluded_urls=UNTRACED_URLS)


def instrument_clients(engine: AsyncEngine, provider: TracerProvider) -> None:
    """Database and outgoing HTTP spans; the instrumentors patch process-wide state."""
    SQLAlchemyInstrumentor().instrument(engine=engine.sync_engine, tracer_provider=provider)
    HTTPXClientInstrumentor().instrument(tracer_provider=provider)


def uninstrument_clients() -> None:
    SQLAlchemyInstrumentor().uninstrument()
    HTTPXClientInstrumentor().uninstrument()
