"""Uvicorn with a drain before its graceful shutdown, and a garbage collector tuned for serving."""

from __future__ import annotations

import gc
import signal
import socket
from types import FrameType

import uvicorn
from loguru import logger

from .core.draining import Drain

# Allocations between two young collections (Python's default is 700). A request allocates
# thousands of objects that live until it ends, and queued spans live until their export:
# at 700 each collection walks the in-flight requests again, a large share of a request's
# CPU. This many holds at most a megabyte or two of garbage a little longer.
YOUNG_COLLECTION_THRESHOLD = 10_000


class DrainingServer(uvicorn.Server):
    """On the first SIGTERM, `drain` begins (readiness turns 503) while serving goes on;
    after `drain_seconds` uvicorn's own shutdown lets in-flight requests finish."""

    def __init__(self, config: uvicorn.Config, drain: Drain, drain_seconds: float) -> None:
        super().__init__(config)
        self.drain = drain
        self.drain_seconds = drain_seconds

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if sig == signal.SIGTERM and not self.drain.active and self.drain_seconds > 0:
            # Re-raised once the server has stopped, as uvicorn does with the signals it handles.
            self._captured_signals.append(sig)
            self.drain.begin()
            logger.info("SIGTERM: readiness fails now; stopping in {}s", self.drain_seconds)
            return
        super().handle_exit(sig, frame)

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        # What the imports and the start-up built lives as long as the process: frozen, the
        # collector never walks it again.
        gc.collect()
        gc.freeze()
        _, older, oldest = gc.get_threshold()
        gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, older, oldest)

    async def on_tick(self, counter: int) -> bool:
        if self.drain.lasted(self.drain_seconds):
            self.should_exit = True
        return await super().on_tick(counter)
