"""The async engine and its sessions; one `Database` per application."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path

from loguru import logger
from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

# Readiness must answer before the probe's own timeout does.
PING_TIMEOUT_SECONDS = 2.0


def _enable_sqlite_foreign_keys(dbapi_connection: object, _: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _refuse_when_moved(database: Path) -> Callable[..., None]:
    """A pooled connection goes on using its file after the file was moved or deleted: at
    each checkout, one whose file is gone is dropped, and a new one opened (or refused)."""

    def check(*_: object) -> None:
        if not database.exists():
            raise DisconnectionError(f"{database} is gone")

    return check


def build_engine(url: str) -> AsyncEngine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        # Pooled: opening a file and its thread per request would cost more than the query.
        engine = create_async_engine(url)
        event.listen(engine.sync_engine, "connect", _enable_sqlite_foreign_keys)
        if parsed.database and parsed.database != ":memory:":
            database = Path(parsed.database)
            database.parent.mkdir(parents=True, exist_ok=True)
            event.listen(engine.sync_engine, "checkout", _refuse_when_moved(database))
        return engine
    return create_async_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


class Database:
    def __init__(self, url: str) -> None:
        self.engine = build_engine(url)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    async def session(self) -> AsyncIterator[AsyncSession]:
        async with self.sessions() as session:
            yield session

    async def ping(self) -> str | None:
        """None when the database answers, else why it does not, in words safe to publish.

        The error itself (host names, driver messages) goes to the log only.
        """
        try:
            async with asyncio.timeout(PING_TIMEOUT_SECONDS), self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except TimeoutError:
            logger.warning(
                "readiness: the database gave no answer within {}s", PING_TIMEOUT_SECONDS
            )
            return f"the database gave no answer within {PING_TIMEOUT_SECONDS:g}s"
        except Exception as error:  # any failure means not ready
            first_line = str(error).splitlines()[0] if str(error) else ""
            logger.warning(
                "readiness: the database is unreachable: {}: {}", type(error).__name__, first_line
            )
            return "the database is unreachable"
        return None

    async def dispose(self) -> None:
        await self.engine.dispose()
