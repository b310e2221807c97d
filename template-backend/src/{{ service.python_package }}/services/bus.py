"""The NATS connection, this service's JetStream stream, and the feed of its events.

Every replica reads the whole stream through an ordered consumer of its own (ephemeral,
from the newest event on) and hands each event to its broker, so the SSE clients of every
replica see every replica's changes, in the order the stream holds them.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import OrderedDict
from typing import Any

from loguru import logger
from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import DeliverPolicy, StorageType, StreamConfig
from nats.js.errors import NotFoundError

from ..core.config import EVENTS_STREAM, EVENTS_SUBJECT_PREFIX
from .broker import Broker, Event

# A replica stays ready through a short outage (the outbox holds the events meanwhile).
UNREADY_AFTER_SECONDS = 30.0
PUBLISH_TIMEOUT_SECONDS = 2.0
# JetStream drops a message whose id it has seen within this window.
DUPLICATE_WINDOW_SECONDS = 120.0
RETENTION_SECONDS = 7 * 24 * 3600.0
UNREACHABLE = "NATS (NATS_URL) is unreachable or has no JetStream"
# How many event ids a replica remembers to drop a repeated delivery.
SEEN_IDS = 10_000


class RecentIds:
    """The last `size` ids seen: `add` says whether an id is new."""

    def __init__(self, size: int = SEEN_IDS) -> None:
        self.size = size
        self._ids: OrderedDict[str, None] = OrderedDict()

    def add(self, event_id: str) -> bool:
        if event_id in self._ids:
            return False
        self._ids[event_id] = None
        if len(self._ids) > self.size:
            self._ids.popitem(last=False)
        return True


def stream_config() -> StreamConfig:
    return StreamConfig(
        name=EVENTS_STREAM,
        subjects=[f"{EVENTS_SUBJECT_PREFIX}.>"],
        storage=StorageType.FILE,
        max_age=RETENTION_SECONDS,
        duplicate_window=DUPLICATE_WINDOW_SECONDS,
    )


class EventBus:
    def __init__(self, url: str, broker: Broker, name: str) -> None:
        self.url = url
        self.broker = broker
        self.name = name
        self.client: NatsClient | None = None
        self.jetstream: JetStreamContext | None = None
        self._problem: str | None = "not connected to NATS (NATS_URL) yet"
        self._disconnected_at: float | None = None
        self._seen = RecentIds()
        self._task: asyncio.Task[None] | None = None
        self.ready = asyncio.Event()

    @property
    def problem(self) -> str | None:
        """Why events cannot flow, in words safe to publish; None while they can."""
        if self._problem is not None:
            return self._problem
        if (
            self._disconnected_at is not None
            and time.monotonic() - self._disconnected_at > UNREADY_AFTER_SECONDS
        ):
            return f"NATS (NATS_URL) has been unreachable for over {UNREADY_AFTER_SECONDS:g}s"
        return None

    @property
    def connected(self) -> bool:
        return self.ready.is_set() and self.client is not None and self.client.is_connected

    def start(self) -> None:
        self._task = asyncio.create_task(self._connect())

    async def _connect(self) -> None:
        """Connect, retrying until NATS answers (a replica may start before it)."""
        delay = 0.5
        while True:
            client = NatsClient()
            try:
                await client.connect(
                    self.url,
                    name=self.name,
                    connect_timeout=2,
                    allow_reconnect=True,
                    max_reconnect_attempts=-1,
                    reconnect_time_wait=1,
                    disconnected_cb=self._on_disconnected,
                    reconnected_cb=self._on_reconnected,
                    error_cb=self._on_error,
                )
                self.client = client
                self.jetstream = client.jetstream(timeout=PUBLISH_TIMEOUT_SECONDS)
                await self._ensure_stream(self.jetstream)
                await self._follow(self.jetstream)
            except Exception as error:  # any failure: report it, then try again
                await self._give_up(client)
                self._problem = UNREACHABLE
                logger.warning("events: cannot use NATS: {}: {}", type(error).__name__, error)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
                continue
            self._problem = None
            self.ready.set()
            logger.info("events: following JetStream stream {}", EVENTS_STREAM)
            return

    async def _give_up(self, client: NatsClient) -> None:
        self.client = self.jetstream = None
        if not client.is_closed:
            await client.close()

    @staticmethod
    async def _ensure_stream(jetstream: JetStreamContext) -> None:
        config = stream_config()
        try:
            await jetstream.stream_info(EVENTS_STREAM)
        except NotFoundError:
            await jetstream.add_stream(config)
        else:
            await jetstream.update_stream(config)

    async def _follow(self, jetstream: JetStreamContext) -> None:
        await jetstream.subscribe(
            f"{EVENTS_SUBJECT_PREFIX}.>",
            stream=EVENTS_STREAM,
            ordered_consumer=True,
            deliver_policy=DeliverPolicy.NEW,
            idle_heartbeat=2.0,
            cb=self._deliver,
        )

    async def _deliver(self, message: Msg) -> None:
        try:
            event: dict[str, Any] = json.loads(message.data)
            event_id, name, data = str(event["id"]), str(event["type"]), event["data"]
            tenant = event.get("tenant")
        except (ValueError, KeyError, TypeError):
            logger.warning("events: dropping a malformed message on {}", message.subject)
            return
        if self._seen.add(event_id):
            self.broker.publish(Event(name, data, id=event_id, tenant=tenant))

    async def publish(self, subject: str, payload: bytes, event_id: str) -> None:
        """Publish and wait for JetStream's ack (raises when it does not come)."""
        if self.jetstream is None or not self.connected:
            raise ConnectionError("NATS is not connected")
        await self.jetstream.publish(
            subject,
            payload,
            timeout=PUBLISH_TIMEOUT_SECONDS,
            stream=EVENTS_STREAM,
            headers={"Nats-Msg-Id": event_id},
        )

    async def _on_disconnected(self) -> None:
        self._disconnected_at = time.monotonic()
        logger.warning("events: disconnected from NATS, reconnecting")

    async def _on_reconnected(self) -> None:
        self._disconnected_at = None
        logger.info("events: reconnected to NATS")

    async def _on_error(self, error: Exception) -> None:
        # The client retries a failed first connection by itself and reports each failure here.
        if not self.ready.is_set() and self._problem != UNREACHABLE:
            self._problem = UNREACHABLE
            logger.warning("events: cannot reach NATS: {}: {}", type(error).__name__, error)
        else:
            logger.debug("events: NATS: {}: {}", type(error).__name__, error)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        if self.client is not None and not self.client.is_closed:
            await self.client.close()
