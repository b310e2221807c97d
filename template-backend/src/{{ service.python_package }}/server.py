"""Uvicorn with a drain before its graceful shutdown."""

from __future__ import annotations

import signal
from types import FrameType

import uvicorn
from loguru import logger

from .core.draining import Drain


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

    async def on_tick(self, counter: int) -> bool:
        if self.drain.lasted(self.drain_seconds):
            self.should_exit = True
        return await super().on_tick(counter)
