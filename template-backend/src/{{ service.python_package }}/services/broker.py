"""In-process publish/subscribe for change events, fanned out to SSE subscribers.

Without NATS_URL each replica publishes the changes it makes itself; with it, every event of
the service's JetStream stream is published here, whichever replica made the change.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from loguru import logger

from ..core.context import tenant_var

# A subscriber that falls this far behind is dropped rather than slowing publishers down.
QUEUE_SIZE = 256


@dataclass(frozen=True)
class Event:
    name: str
    data: dict[str, Any]
    # The event's id (the SSE `id:` field), by which clients can tell a repeat.
    id: str | None = None
    # Whose change it is, with sign-in: only that tenant's subscribers get it.
    tenant: str | None = None


class Subscription:
    """The events of one subscriber, in order, until the broker closes."""

    def __init__(self, broker: Broker, tenant: str | None = None) -> None:
        self.queue: asyncio.Queue[Event | None] = asyncio.Queue(QUEUE_SIZE)
        self.tenant = tenant
        self._broker = broker

    def __aiter__(self) -> Subscription:
        return self

    async def __anext__(self) -> Event:
        event = await self.queue.get()
        if event is None:
            self.close()
            raise StopAsyncIteration
        return event

    def close(self) -> None:
        self._broker.unsubscribe(self)

    def end(self) -> None:
        """Finish the iteration after the events already queued."""
        self._broker.unsubscribe(self)
        Broker.end(self.queue)


class Broker:
    def __init__(self) -> None:
        self._queues: dict[asyncio.Queue[Event | None], str | None] = {}
        self._closed = False

    @property
    def subscribers(self) -> int:
        return len(self._queues)

    def publish(self, event: Event) -> None:
        """To every subscriber, or, for a tenant's event, to that tenant's subscribers: an
        event's tenant is the request's (`tenant_var`) unless given."""
        tenant = event.tenant or tenant_var.get()
        for queue, subscriber_tenant in list(self._queues.items()):
            if tenant is not None and subscriber_tenant != tenant:
                continue
            try:
                queue.put_nowait(event)
            except asyncio.QueueFull:
                logger.warning("dropping a slow event subscriber")
                self._queues.pop(queue, None)
                self.end(queue)

    def subscribe(self) -> Subscription:
        """Register now, so no event published after this call is missed; a signed-in
        request's subscription gets its tenant's events only."""
        subscription = Subscription(self, tenant_var.get())
        if self._closed:
            self.end(subscription.queue)
        else:
            self._queues[subscription.queue] = subscription.tenant
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        self._queues.pop(subscription.queue, None)

    def close(self) -> None:
        """End every subscription (at shutdown)."""
        self._closed = True
        for queue in list(self._queues):
            self.end(queue)
        self._queues.clear()

    @staticmethod
    def end(queue: asyncio.Queue[Event | None]) -> None:
        """Queue the end marker, dropping the oldest event if the queue is full."""
        while True:
            try:
                queue.put_nowait(None)
                return
            except asyncio.QueueFull:
                queue.get_nowait()
