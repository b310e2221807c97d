"""Where the rate limiter counts: this process's memory, or Redis shared by every replica."""

from __future__ import annotations

import asyncio

from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from loguru import logger

REDIS_SCHEMES = ("redis://", "rediss://", "unix://")
CHECK_TIMEOUT_SECONDS = 2.0


class LimiterStorage:
    """The limiter's storage, or the reason there is none (readiness reports it)."""

    def __init__(self, redis_url: str, key_prefix: str) -> None:
        self.storage: Storage | None = None
        self.problem: str | None = None
        self.shared = bool(redis_url)
        if not redis_url:
            self.storage = MemoryStorage()
            return
        if not redis_url.startswith(REDIS_SCHEMES):
            self.problem = "REDIS_URL is malformed: use redis://host:6379/0"
            return
        try:
            # redis-py's asyncio client, which the project already installs.
            self.storage = RedisStorage(
                "async+" + redis_url, implementation="redispy", key_prefix=key_prefix
            )
        except Exception as error:  # the URL does not parse: say so, keep the process up
            logger.error("REDIS_URL does not parse: {}", error)
            self.problem = "REDIS_URL is malformed: use redis://host:6379/0"

    async def check(self) -> str | None:
        """None when the limiter can count, else why it cannot."""
        if self.problem is not None or not self.shared or self.storage is None:
            return self.problem
        try:
            async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
                if await self.storage.check():
                    return None
        except TimeoutError:
            pass
        return "Redis (REDIS_URL) is unreachable"
