"""The outbox relay: publishes committed events to JetStream, in order, at least once.

A row is marked sent only after JetStream's ack; its id is the message id, so a row
published twice (a crash after the ack, before the mark) is stored once. On PostgreSQL one
replica relays at a time (an advisory lock per pass), which keeps the stream in commit order.
"""

from __future__ import annotations

import asyncio
import time
import zlib
from datetime import UTC, datetime, timedelta

from loguru import logger
from sqlalchemy import delete, func, select, update

from ..core.config import EVENTS_STREAM
from ..db.database import Database
from ..models.outbox import OutboxEvent
from .bus import DUPLICATE_WINDOW_SECONDS, EventBus

BATCH = 100
RELAY_LOCK_KEY = zlib.crc32(f"{EVENTS_STREAM}:relay".encode())
# Sent rows are kept a while for inspection, then removed.
KEEP_SENT = timedelta(seconds=10 * DUPLICATE_WINDOW_SECONDS)
PRUNE_EVERY_SECONDS = 60.0
# Another replica holds the relay lock: look again soon, the rows may be ours.
BUSY_RETRY_SECONDS = 0.02


class OutboxRelay:
    def __init__(self, database: Database, bus: EventBus, poll_seconds: float) -> None:
        self.database = database
        self.bus = bus
        self.poll_seconds = poll_seconds
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._pruned_at = 0.0
        self._is_postgres = database.engine.dialect.name == "postgresql"

    def wake(self) -> None:
        """A change was committed: publish without waiting for the next poll."""
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _run(self) -> None:
        await self.bus.ready.wait()
        delay = self.poll_seconds
        while True:
            try:
                async with asyncio.timeout(delay):
                    await self._wake.wait()
            except TimeoutError:
                pass
            self._wake.clear()
            try:
                while await self.publish_pending() == BATCH:
                    pass
                await self._prune()
            except Exception as error:  # NATS or the database is away: retry, keep the rows
                logger.warning("outbox: publishing failed: {}: {}", type(error).__name__, error)
                delay = min(delay * 2, 5.0)
            else:
                delay = self.poll_seconds

    async def publish_pending(self) -> int:
        """Publish the oldest unsent rows; returns how many were sent."""
        if not self.bus.connected:
            return 0
        sent: list[int] = []
        failure: Exception | None = None
        async with self.database.sessions() as session, session.begin():
            if self._is_postgres and not await session.scalar(
                select(func.pg_try_advisory_xact_lock(RELAY_LOCK_KEY))
            ):
                await asyncio.sleep(BUSY_RETRY_SECONDS)
                self._wake.set()
                return 0
            rows = await session.scalars(
                select(OutboxEvent)
                .where(OutboxEvent.sent_at.is_(None))
                .order_by(OutboxEvent.seq)
                .limit(BATCH)
            )
            for row in rows:
                try:
                    await self.bus.publish(row.subject, row.payload, str(row.id))
                except Exception as error:  # stop at the first: the order must hold
                    failure = error
                    break
                sent.append(row.seq)
            if sent:
                await session.execute(
                    update(OutboxEvent)
                    .where(OutboxEvent.seq.in_(sent))
                    .values(sent_at=datetime.now(UTC))
                )
        if failure is not None:
            raise failure
        return len(sent)

    async def _prune(self) -> None:
        if time.monotonic() - self._pruned_at < PRUNE_EVERY_SECONDS:
            return
        self._pruned_at = time.monotonic()
        async with self.database.sessions() as session, session.begin():
            await session.execute(
                delete(OutboxEvent).where(OutboxEvent.sent_at < datetime.now(UTC) - KEEP_SENT)
            )
