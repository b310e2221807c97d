"""The change events each backend publishes, as the meta-repo's contracts doc lists them.

A backend publishes a change of its sample resource on `<subject prefix>.items.<action>`
(JetStream, when the platform runs NATS), described by the JSON Schemas in its `schemas/`
folder; a backend whose manifest entry says `consumes: [<producer>]` reads them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ACTIONS = ("created", "updated", "deleted")
SCHEMAS_DIR = "schemas"


@dataclass(frozen=True)
class EventContract:
    """What one backend publishes and who reads it."""

    producer: Any  # the model's Service
    subjects: tuple[str, ...]
    schemas: str  # the folder of its JSON Schemas, from the meta-repo's root
    consumers: tuple[str, ...]


def subject_prefix(service: Any) -> str:
    """The first token of its subjects (the model's, where it names one; else its name)."""
    return str(getattr(service, "events_subject_prefix", service.name))


def consumers_of(suite: Any, producer: Any) -> tuple[str, ...]:
    """The backends whose `consumes` names the producer, in manifest order."""
    return tuple(
        s.name for s in suite.backends if producer.name in (getattr(s, "consumes", None) or ())
    )


def event_contracts(suite: Any) -> list[EventContract]:
    return [
        EventContract(
            producer=backend,
            subjects=tuple(f"{subject_prefix(backend)}.items.{action}" for action in ACTIONS),
            schemas=f"services/{backend.name}/{SCHEMAS_DIR}/",
            consumers=consumers_of(suite, backend),
        )
        for backend in suite.backends
    ]
