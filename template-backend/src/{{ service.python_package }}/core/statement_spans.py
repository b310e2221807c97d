"""A client span per SQL statement, with the attributes OpenTelemetry's SQLAlchemy
instrumentation records by default (`db.system`, `db.name`, `db.statement`, `db.operation`,
`net.peer.name`, `net.peer.port`, `db.user`), named `<operation> <database>` as it names them.

Listeners on one engine, set up once: no span per pool checkout, no pool metrics, no
patching of SQLAlchemy itself, and the attributes that depend on the URL computed once.
"""

from __future__ import annotations

import re
from typing import Any

from opentelemetry.trace import SpanKind, Status, StatusCode, Tracer, TracerProvider
from sqlalchemy import event
from sqlalchemy.engine import Engine, ExceptionContext

SPAN_KEY = "_statement_span"
LEADING_COMMENT = re.compile(r"^/\*.*?\*/")


def _system(dialect: str) -> str:
    return "postgresql" if "postgres" in dialect else dialect


class StatementSpans:
    def __init__(self, engine: Engine, provider: TracerProvider) -> None:
        self.engine = engine
        self.tracer: Tracer = provider.get_tracer(__name__)
        url = engine.url
        self.database = url.database or ""
        attributes: dict[str, Any] = {"db.system": _system(engine.dialect.name)}
        if url.host:
            attributes["net.peer.name"] = url.host
        if url.port:
            attributes["net.peer.port"] = url.port
        if url.database:
            attributes["db.name"] = url.database
        if url.username:
            attributes["db.user"] = url.username
        self.attributes = attributes

    def listen(self) -> None:
        event.listen(self.engine, "before_cursor_execute", self._begin)
        event.listen(self.engine, "after_cursor_execute", self._end)
        event.listen(self.engine, "handle_error", self._fail)

    def remove(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._begin)
        event.remove(self.engine, "after_cursor_execute", self._end)
        event.remove(self.engine, "handle_error", self._fail)

    def _begin(
        self, _conn: Any, _cursor: Any, statement: str, _params: Any, context: Any, _many: bool
    ) -> None:
        # The first word after any leading comment, as the instrumentation takes it.
        words = LEADING_COMMENT.sub("", statement).split(maxsplit=1)
        name = " ".join(words[:1] + ([self.database] if self.database else []))
        name = name or self.attributes["db.system"]
        attributes = {**self.attributes, "db.statement": statement, "db.operation": name}
        context.__dict__[SPAN_KEY] = self.tracer.start_span(
            name, kind=SpanKind.CLIENT, attributes=attributes
        )

    def _end(
        self, _conn: Any, _cursor: Any, _statement: str, _params: Any, context: Any, _many: bool
    ) -> None:
        span = context.__dict__.pop(SPAN_KEY, None)
        if span is not None:
            span.end()

    def _fail(self, failure: ExceptionContext) -> None:
        context = failure.execution_context
        span = context.__dict__.pop(SPAN_KEY, None) if context is not None else None
        if span is not None:
            span.set_status(Status(StatusCode.ERROR, str(failure.original_exception)))
            span.end()
