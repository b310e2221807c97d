"""Items: storage and change announcements."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import RowMapping, func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from ..models.item import Item
from ..schemas.items import Item as ItemOut
from ..schemas.items import ItemCreate, ItemUpdate
from .broker import Broker, Event


def _announce(broker: Broker, name: str, data: dict[str, Any]) -> None:
    broker.publish(Event(name=name, data=data))


# The columns of a listed item: rows, not ORM objects, since a list changes nothing.
LISTED = (Item.id, Item.name, Item.description, Item.created_at, Item.updated_at)


async def list_items(
    connection: AsyncConnection | AsyncSession, limit: int, offset: int
) -> tuple[Sequence[RowMapping], int]:
    """Over a connection, or over a session, which adds its tenant's filter with sign-in."""
    total = await connection.scalar(select(func.count()).select_from(Item))
    page = await connection.execute(select(*LISTED).order_by(Item.id).limit(limit).offset(offset))
    return page.mappings().all(), int(total or 0)


async def get_item(session: AsyncSession, item_id: int) -> Item | None:
    return await session.get(Item, item_id)


async def create_item(session: AsyncSession, broker: Broker, data: ItemCreate) -> Item:
    item = Item(**data.model_dump())
    session.add(item)
    await session.commit()
    _announce(broker, "item.created", ItemOut.model_validate(item).model_dump(mode="json"))
    return item


async def update_item(session: AsyncSession, broker: Broker, item: Item, data: ItemUpdate) -> Item:
    for field, value in data.model_dump(exclude_unset=True).items():
        setattr(item, field, value)
    await session.commit()
    await session.refresh(item)
    _announce(broker, "item.updated", ItemOut.model_validate(item).model_dump(mode="json"))
    return item


async def delete_item(session: AsyncSession, broker: Broker, item: Item) -> None:
    item_id = item.id
    await session.delete(item)
    await session.commit()
    _announce(broker, "item.deleted", {"id": item_id})
