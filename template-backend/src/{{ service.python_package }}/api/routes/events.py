"""Server-Sent Events: every change to items, as it happens."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator

import anyio
from fastapi import APIRouter
from sse_starlette import EventSourceResponse, ServerSentEvent

from ...services.broker import Subscription
from ..deps import RuntimeDep

router = APIRouter(tags=["events"])

STREAM_DESCRIPTION = (
    "A `text/event-stream` of `item.created` and `item.updated` (data: the item) and "
    '`item.deleted` (data: `{"id": ...}`) events, with heartbeat comments.'
)


# At shutdown the stream ends by itself (a complete response) before it would be cut.
SHUTDOWN_GRACE_SECONDS = 2.0


async def _stream(
    subscription: Subscription, shutdown: anyio.Event | None = None
) -> AsyncGenerator[ServerSentEvent]:
    async def end_on_shutdown(event: anyio.Event) -> None:
        await event.wait()
        subscription.end()

    watcher = asyncio.create_task(end_on_shutdown(shutdown)) if shutdown else None
    try:
        async for event in subscription:
            yield ServerSentEvent(id=event.id, event=event.name, data=json.dumps(event.data))
    finally:
        subscription.close()
        if watcher is not None:
            watcher.cancel()


@router.get(
    "/events",
    summary="Subscribe to item changes",
    response_class=EventSourceResponse,
    responses={
        200: {
            "description": STREAM_DESCRIPTION,
            "content": {"text/event-stream": {"schema": {"type": "string"}}},
        }
    },
)
async def events(runtime: RuntimeDep) -> EventSourceResponse:
    shutdown = anyio.Event()
    return EventSourceResponse(
        _stream(runtime.broker.subscribe(), shutdown),
        ping=runtime.settings.sse_heartbeat_seconds,
        shutdown_event=shutdown,
        shutdown_grace_period=SHUTDOWN_GRACE_SECONDS,
    )
