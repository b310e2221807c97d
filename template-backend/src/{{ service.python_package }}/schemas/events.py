"""Event contracts: the change events this service publishes, one model per event.

The same models serialise what is published and generate the JSON Schemas under `schemas/`
(`python -m <package> schemas`), so the contract cannot drift from the code; consumers
validate what they receive against them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from ..core.config import EVENTS_SUBJECT_PREFIX
from .items import Item, ItemDeleted

# Raised when a change is not backwards compatible: consumers then read both versions.
VERSION: Literal[1] = 1


class _Envelope(BaseModel):
    # Every published event carries its type and version: the schemas require them.
    model_config = ConfigDict(frozen=True, json_schema_serialization_defaults_required=True)

    id: UUID = Field(description="The event's id: a consumer processes each id once")
    version: Literal[1] = VERSION
    occurred_at: datetime
    tenant: str | None = Field(
        default=None, description="The tenant whose data changed (with sign-in); else null"
    )


class ItemCreated(_Envelope):
    type: Literal["item.created"] = "item.created"
    data: Item


class ItemUpdated(_Envelope):
    type: Literal["item.updated"] = "item.updated"
    data: Item


class ItemDeletedEvent(_Envelope):
    type: Literal["item.deleted"] = "item.deleted"
    data: ItemDeleted


ChangeEvent = ItemCreated | ItemUpdated | ItemDeletedEvent


@dataclass(frozen=True)
class Contract:
    """An event type: its name (also the SSE event name), subject and model."""

    name: str
    subject: str
    model: type[ChangeEvent]

    @property
    def schema_file(self) -> str:
        """Its JSON Schema's file under `schemas/` (the same in every service of this kind)."""
        return f"{self.name}.v{VERSION}.json"


CONTRACTS = (
    Contract("item.created", f"{EVENTS_SUBJECT_PREFIX}.items.created", ItemCreated),
    Contract("item.updated", f"{EVENTS_SUBJECT_PREFIX}.items.updated", ItemUpdated),
    Contract("item.deleted", f"{EVENTS_SUBJECT_PREFIX}.items.deleted", ItemDeletedEvent),
)
BY_NAME = {contract.name: contract for contract in CONTRACTS}
BY_SUBJECT = {contract.subject: contract for contract in CONTRACTS}
