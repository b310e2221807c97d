"""An SSE client that collects a stream's events in the background."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx


@dataclass
class Received:
    id: str
    name: str
    data: dict[str, Any]
    at: float  # time.monotonic() on arrival


@dataclass
class Listener:
    events: list[Received] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def wait_for(self, count: int, seconds: float) -> list[Received]:
        """The first `count` events, once that many arrived (fails after `seconds`)."""
        async with asyncio.timeout(seconds):
            while len(self.events) < count:
                self.arrived.clear()
                await self.arrived.wait()
        return self.events[:count]


async def _collect(response: httpx.Response, listener: Listener) -> None:
    fields: dict[str, str] = {}
    async for line in response.aiter_lines():
        if line == "":
            if "event" in fields and "data" in fields:
                listener.events.append(
                    Received(
                        fields.get("id", ""),
                        fields["event"],
                        json.loads(fields["data"]),
                        time.monotonic(),
                    )
                )
                listener.arrived.set()
            fields = {}
        elif not line.startswith(":") and ":" in line:
            name, _, value = line.partition(":")
            fields[name] = value.removeprefix(" ")


@asynccontextmanager
async def listening(api: str, headers: dict[str, str] | None = None) -> AsyncIterator[Listener]:
    """Subscribe to `api`'s /events (as the caller `headers` sign in); yields once the stream
    is open."""
    listener = Listener()
    timeout = httpx.Timeout(10, read=None)
    async with (
        httpx.AsyncClient(base_url=api, timeout=timeout, headers=headers) as client,
        client.stream("GET", "/events") as response,
    ):
        assert response.status_code == 200
        task = asyncio.create_task(_collect(response, listener))
        try:
            yield listener
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
