"""The ORM models; import them all here so Alembic sees every table."""

from .inbox import InboxEvent
from .item import Item
from .outbox import OutboxEvent

__all__ = ["InboxEvent", "Item", "OutboxEvent"]
