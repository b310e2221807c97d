"""Per-request values that every log line carries."""

from __future__ import annotations

from contextvars import ContextVar

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
# The tenant the request works for, once its user is known (None without sign-in): change
# events are stamped with it and delivered to that tenant's subscribers only.
tenant_var: ContextVar[str | None] = ContextVar("tenant", default=None)
