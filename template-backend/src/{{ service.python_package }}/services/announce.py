"""How a change's event leaves the transaction that made the change.

Without NATS the broker announces it after the commit (nothing more per request); with NATS
the event is written to the outbox in the change's own transaction, and the relay is woken
after the commit to publish it: a crash or an outage then delays the event, never drops it.
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from ..models.outbox import OutboxEvent
from ..schemas.events import BY_NAME, ChangeEvent
from .broker import Broker, Event


class Announcer(Protocol):
    def stage(self, session: AsyncSession, event: ChangeEvent) -> None:
        """Called before the commit, in the change's transaction."""

    def committed(self, event: ChangeEvent) -> None:
        """Called once the change is committed."""


class LocalAnnouncer:
    def __init__(self, broker: Broker) -> None:
        self.broker = broker

    def stage(self, session: AsyncSession, event: ChangeEvent) -> None:
        pass

    def committed(self, event: ChangeEvent) -> None:
        data = event.data.model_dump(mode="json")
        self.broker.publish(Event(event.type, data, id=str(event.id), tenant=event.tenant))


class Wakeable(Protocol):
    def wake(self) -> None: ...


class OutboxAnnouncer:
    def __init__(self, relay: Wakeable) -> None:
        self.relay = relay

    def stage(self, session: AsyncSession, event: ChangeEvent) -> None:
        session.add(
            OutboxEvent(
                id=event.id,
                subject=BY_NAME[event.type].subject,
                payload=event.model_dump_json().encode(),
            )
        )

    def committed(self, event: ChangeEvent) -> None:
        self.relay.wake()
