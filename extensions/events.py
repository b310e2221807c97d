"""The change events each backend publishes, as the meta-repo's contracts doc lists them.

A backend publishes a change of its sample resource on `<subject prefix>.items.<action>`
(JetStream, when the platform runs NATS), described by the JSON Schemas in its `schemas/`
folder; a backend whose manifest entry says `consumes: [<producer>]` reads them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # loaded by file path beside model.py (polystack.py), never as `model`
    from model import Service, Suite

ACTIONS = ("created", "updated", "deleted")
SCHEMAS_DIR = "schemas"


@dataclass(frozen=True)
class EventContract:
    """What one backend publishes and who reads it."""

    producer: Service
    subjects: tuple[str, ...]
    schemas: str  # the folder of its JSON Schemas, from the meta-repo's root
    consumers: tuple[str, ...]


def consumers_of(suite: Suite, producer: Service) -> tuple[str, ...]:
    """The backends whose `consumes` names the producer, in manifest order."""
    return tuple(s.name for s in suite.backends if producer.name in s.consumes)


def event_contracts(suite: Suite) -> list[EventContract]:
    return [
        EventContract(
            producer=backend,
            subjects=tuple(f"{backend.events_subject_prefix}.items.{action}" for action in ACTIONS),
            schemas=f"services/{backend.name}/{SCHEMAS_DIR}/",
            consumers=consumers_of(suite, backend),
        )
        for backend in suite.backends
    ]
