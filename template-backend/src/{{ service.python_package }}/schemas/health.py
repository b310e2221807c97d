"""Bodies of the probes."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel


class Health(BaseModel):
    status: Literal["ok"] = "ok"


class Ready(BaseModel):
    status: Literal["ready"] = "ready"


class NotReady(BaseModel):
    status: Literal["unavailable"] = "unavailable"
    reason: str
