"""The ORM models; import them all here so Alembic sees every table."""

from .item import Item
from .outbox import OutboxEvent

__all__ = ["Item", "OutboxEvent"]
