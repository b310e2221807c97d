"""The ORM models; import them all here so Alembic sees every table."""

from .item import Item

__all__ = ["Item"]
