"""Shutdown in order: readiness fails first, in-flight requests finish, then the process ends.

A load balancer needs a few probe periods to stop sending traffic; until then the server
keeps serving everything while `/readyz` answers 503.
"""

from __future__ import annotations

import time


class Drain:
    """When the process was asked to stop; a fresh one is not draining."""

    def __init__(self) -> None:
        self._since: float | None = None

    @property
    def active(self) -> bool:
        return self._since is not None

    def begin(self) -> None:
        if self._since is None:
            self._since = time.monotonic()

    def lasted(self, seconds: float) -> bool:
        """Has the drain been going on for `seconds`?"""
        return self._since is not None and time.monotonic() - self._since >= seconds
