"""Items: storage and change announcements."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BindParameter, RowMapping, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from ..core.context import tenant_var
from ..models.item import Item
from ..schemas.events import ChangeEvent, ItemCreated, ItemDeletedEvent, ItemUpdated
from ..schemas.items import Item as ItemOut
from ..schemas.items import ItemCreate, ItemDeleted, ItemUpdate
from .announce import Announcer

# A list reads rows, not ORM objects, since it changes nothing; its statements are built once
# (SQLAlchemy then keys its compiled-statement cache on them once), the page as parameters.
# Over a connection, the table's own columns: no ORM compilation. A session needs the mapped
# columns, which its tenant filter applies to.
_ITEMS = Item.__table__
_LIMIT: BindParameter[int] = bindparam("limit")
_OFFSET: BindParameter[int] = bindparam("offset")
COUNT_ROWS = select(func.count()).select_from(_ITEMS)
LIST_ROWS = (
    select(_ITEMS.c.id, _ITEMS.c.name, _ITEMS.c.description, _ITEMS.c.created_at,
           _ITEMS.c.updated_at)
    .order_by(_ITEMS.c.id).limit(_LIMIT).offset(_OFFSET)
)  # fmt: skip
COUNT_MAPPED = select(func.count()).select_from(Item)
LIST_MAPPED = (
    select(Item.id, Item.name, Item.description, Item.created_at, Item.updated_at)
    .order_by(Item.id).limit(_LIMIT).offset(_OFFSET)
)  # fmt: skip


def _stamp() -> dict[str, Any]:
    """What every event of a change carries besides its data: a new id, the time, the tenant."""
    return {"id": uuid.uuid4(), "occurred_at": datetime.now(UTC), "tenant": tenant_var.get()}


async def _commit(session: AsyncSession, announcer: Announcer, event: ChangeEvent) -> None:
    """Commit the flushed change with its event (staged in the same transaction)."""
    announcer.stage(session, event)
    await session.commit()
    announcer.committed(event)


async def list_items(
    connection: AsyncConnection | AsyncSession, limit: int, offset: int
) -> tuple[Sequence[RowMapping], int]:
    """Over a connection, or over a session, which adds its tenant's filter with sign-in."""
    mapped = isinstance(connection, AsyncSession)
    total = await connection.scalar(COUNT_MAPPED if mapped else COUNT_ROWS)
    page = await connection.execute(
        LIST_MAPPED if mapped else LIST_ROWS, {"limit": limit, "offset": offset}
    )
    return page.mappings().all(), int(total or 0)


async def get_item(session: AsyncSession, item_id: int) -> Item | None:
    return await session.get(Item, item_id)


async def create_item(session: AsyncSession, announcer: Announcer, data: ItemCreate) -> Item:
    item = Item(**data.model_dump())
    session.add(item)
    await session.flush()
    event = ItemCreated(**_stamp(), data=ItemOut.model_validate(item))
    await _commit(session, announcer, event)
    return item


async def update_item(
    session: AsyncSession, announcer: Announcer, item: Item, data: ItemUpdate
) -> Item:
    for field, value in data.model_dump(exclude_unset=True).items():
        setattr(item, field, value)
    # The row is locked from here to the commit: events of one item are staged in order.
    await session.flush()
    await session.refresh(item)
    event = ItemUpdated(**_stamp(), data=ItemOut.model_validate(item))
    await _commit(session, announcer, event)
    return item


async def delete_item(session: AsyncSession, announcer: Announcer, item: Item) -> None:
    item_id = item.id
    await session.delete(item)
    await session.flush()
    event = ItemDeletedEvent(**_stamp(), data=ItemDeleted(id=item_id))
    await _commit(session, announcer, event)
