"""Bodies of the items resource."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator
from pydantic.json_schema import SkipJsonSchema

from ..models.item import DESCRIPTION_MAX, NAME_MAX

# PostgreSQL text cannot hold NUL characters, so the API refuses them everywhere.
NO_NUL = r"^[^\x00]*$"
# Not blank either: some character other than white space (the pattern tells other clients,
# which validate before the name is stripped; it runs in linear time in every engine).
NOT_BLANK = r"^\s*[^\s\x00][^\x00]*$"
Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=NAME_MAX, pattern=NOT_BLANK),
    Field(examples=["Notebook"]),
]
Description = Annotated[
    str | None, Field(max_length=DESCRIPTION_MAX, pattern=NO_NUL, examples=["A5, dotted"])
]
PAGE_MAX = 100


class ItemCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    description: Description = None


class ItemUpdate(BaseModel):
    """Only the fields present change; `description: null` clears it, a name cannot be null."""

    model_config = ConfigDict(extra="forbid")

    # Absent: unchanged. Null is refused, and left out of the schema.
    name: Name | SkipJsonSchema[None] = None
    description: Description = None

    @field_validator("name")
    @classmethod
    def _name_not_null(cls, value: str | None) -> str:
        if value is None:
            raise ValueError("name cannot be null")
        return value


class Item(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    description: str | None
    created_at: datetime
    updated_at: datetime

    @field_validator("created_at", "updated_at")
    @classmethod
    def _as_utc(cls, value: datetime) -> datetime:
        # SQLite forgets the offset it was given; every stored time is UTC.
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class ItemPage(BaseModel):
    items: list[Item]
    total: int
    limit: int
    offset: int


class ItemDeleted(BaseModel):
    id: int
