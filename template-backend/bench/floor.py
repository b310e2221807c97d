"""The floor: the least a FastAPI app does to answer the benchmarked routes.

No middleware, no logging, no metrics, no tracing: the same item list (a count and a page
ordered by id, through SQLAlchemy on the same database) as the same typed JSON, and the
same liveness answer, under the same uvicorn. `bench/run.py` starts it beside the service;
whatever the service costs above these figures is what its production features cost.

    DATABASE_URL=sqlite+aiosqlite:///... ROUTE_PREFIX=/api PORT=8001 python bench/floor.py
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Annotated, Literal

import uvicorn
from fastapi import FastAPI, Query
from pydantic import AwareDatetime, BaseModel, BeforeValidator
from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Text, func, select
from sqlalchemy.ext.asyncio import create_async_engine

PREFIX = os.environ.get("ROUTE_PREFIX", "")
engine = create_async_engine(os.environ["DATABASE_URL"])
items = Table(
    "items",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("name", String(100)),
    Column("description", Text),
    Column("created_at", DateTime(timezone=True)),
    Column("updated_at", DateTime(timezone=True)),
)


def _utc(value: datetime) -> datetime:
    # As the service does: SQLite forgets the offset, every stored time is UTC.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


Timestamp = Annotated[AwareDatetime, BeforeValidator(_utc)]


class Health(BaseModel):
    status: Literal["ok"] = "ok"


class Item(BaseModel):
    id: int
    name: str
    description: str | None
    created_at: Timestamp
    updated_at: Timestamp


class ItemPage(BaseModel):
    items: list[Item]
    total: int
    limit: int
    offset: int


app = FastAPI()


@app.get(f"{PREFIX}/healthz")
async def healthz() -> Health:
    return Health()


@app.get(f"{PREFIX}/items")
async def list_items(
    limit: Annotated[int, Query(ge=1, le=100)] = 20, offset: Annotated[int, Query(ge=0)] = 0
) -> ItemPage:
    async with engine.connect() as connection:
        total = await connection.scalar(select(func.count()).select_from(items))
        rows = await connection.execute(
            select(items).order_by(items.c.id).limit(limit).offset(offset)
        )
        page = [Item.model_validate(row._mapping) for row in rows]
    return ItemPage(items=page, total=total or 0, limit=limit, offset=offset)


if __name__ == "__main__":
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=int(os.environ["PORT"]),
        log_level="warning",
        access_log=False,
    )
