"""Loguru as the one sink: JSON lines in production, readable lines in development.

The standard library's loggers (uvicorn, SQLAlchemy, alembic) are routed into loguru, and
every record gets the request id and the current trace and span ids.
"""

from __future__ import annotations

import inspect
import json
import logging
import sys
import traceback
from typing import TYPE_CHECKING, Any, Literal

from loguru import logger
from opentelemetry import trace

from .context import request_id_var

if TYPE_CHECKING:
    from loguru import Message, Record

CONSOLE_FORMAT = (
    "<green>{time:HH:mm:ss.SSS}</green> <level>{level: <8}</level> "
    "<cyan>{name}</cyan> <level>{message}</level> "
    "<dim>request_id={extra[request_id]} trace_id={extra[trace_id]}</dim>"
)
# Loggers of libraries that log through the standard library.
ROUTED_LOGGERS = ("uvicorn", "uvicorn.error", "sqlalchemy", "alembic")


def _add_context(record: Record) -> None:
    extra = record["extra"]
    extra.setdefault("request_id", request_id_var.get() or "-")
    context = trace.get_current_span().get_span_context()
    if context.is_valid:
        extra.setdefault("trace_id", format(context.trace_id, "032x"))
        extra.setdefault("span_id", format(context.span_id, "016x"))
    else:
        extra.setdefault("trace_id", "-")
        extra.setdefault("span_id", "-")


def _json_sink(message: Message) -> None:
    record = message.record
    line: dict[str, Any] = {
        "time": record["time"].isoformat(),
        "level": record["level"].name,
        "logger": record["name"],
        "message": record["message"],
        **record["extra"],
    }
    error = record["exception"]
    if error is not None:
        line["exception"] = "".join(
            traceback.format_exception(error.type, error.value, error.traceback)
        )
    sys.stderr.write(json.dumps(line, default=str) + "\n")


class InterceptHandler(logging.Handler):
    """Hands standard library log records to loguru, keeping level and origin."""

    def emit(self, record: logging.LogRecord) -> None:
        level: str | int
        try:
            level = logger.level(record.levelname).name
        except ValueError:
            level = record.levelno
        # Report the module that called `logging`, not this handler.
        frame, depth = inspect.currentframe(), 0
        while frame is not None and (depth == 0 or frame.f_code.co_filename == logging.__file__):
            frame = frame.f_back
            depth += 1
        logger.opt(depth=depth, exception=record.exc_info).log(level, record.getMessage())


def configure_logging(level: str, fmt: Literal["json", "console"]) -> None:
    """Install the sink; safe to call again (tests build many apps)."""
    logger.remove()
    logger.configure(patcher=_add_context)
    if fmt == "json":
        logger.add(_json_sink, level=level, format="{message}")
    else:
        logger.add(sys.stderr, level=level, format=CONSOLE_FORMAT, backtrace=False)
    logging.basicConfig(handlers=[InterceptHandler()], level=logger.level(level).no, force=True)
    for name in ROUTED_LOGGERS:
        routed = logging.getLogger(name)
        routed.handlers = []
        routed.propagate = True
    # The app logs each request itself, probes excepted: uvicorn's access log would repeat
    # them, also under `serve --reload`, which builds the app after uvicorn set its loggers.
    access = logging.getLogger("uvicorn.access")
    access.handlers, access.propagate = [], False
    # SQL statements only at DEBUG: they are noisy and may carry data.
    logging.getLogger("sqlalchemy.engine").setLevel(
        logging.INFO if level in ("TRACE", "DEBUG") else logging.WARNING
    )
