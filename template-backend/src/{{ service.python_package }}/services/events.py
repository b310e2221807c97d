"""Change events for the life of the application: the broker the SSE clients read, and,
with NATS_URL, the JetStream bus and the outbox relay that feed it."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Protocol

from nats.js import JetStreamContext

from ..db.database import Database
from .announce import Announcer, LocalAnnouncer, OutboxAnnouncer
from .broker import Broker
from .bus import EventBus
from .relay import OutboxRelay


class Consumer(Protocol):
    async def run(self, jetstream: JetStreamContext) -> None: ...


class Events:
    def __init__(
        self,
        nats_url: str,
        database: Database,
        poll_seconds: float,
        name: str,
        consumers: Sequence[Consumer] = (),
    ) -> None:
        self.broker = Broker()
        self.consumers = consumers
        self._consuming: list[asyncio.Task[None]] = []
        self.bus: EventBus | None = None
        self.relay: OutboxRelay | None = None
        self.announcer: Announcer
        if nats_url:
            self.bus = EventBus(nats_url, self.broker, name)
            self.relay = OutboxRelay(database, self.bus, poll_seconds)
            self.announcer = OutboxAnnouncer(self.relay)
        else:
            self.announcer = LocalAnnouncer(self.broker)

    @property
    def problem(self) -> str | None:
        return self.bus.problem if self.bus is not None else None

    def start(self) -> None:
        if self.bus is not None and self.relay is not None:
            self.bus.start()
            self.relay.start()
            if self.consumers:
                self._consuming.append(asyncio.create_task(self._consume(self.bus)))

    async def _consume(self, bus: EventBus) -> None:
        await bus.ready.wait()
        if bus.jetstream is not None:
            await asyncio.gather(*(consumer.run(bus.jetstream) for consumer in self.consumers))

    async def close(self) -> None:
        """Stop the relay (unsent rows wait for the next replica), then the feed and SSE."""
        for task in self._consuming:
            task.cancel()
        await asyncio.gather(*self._consuming, return_exceptions=True)
        if self.relay is not None:
            await self.relay.close()
        if self.bus is not None:
            await self.bus.close()
        self.broker.close()
