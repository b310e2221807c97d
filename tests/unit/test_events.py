"""Tier 1: the events each backend publishes and who consumes them, as the contracts doc
lists them."""

from __future__ import annotations

import pytest

import events
from model import build_suite

pytestmark = pytest.mark.unit

MANIFEST = [
    {"name": "web", "kind": "frontend"},
    {"name": "orders", "kind": "backend"},
    {"name": "billing", "kind": "backend"},
]


def test_each_backend_publishes_on_subjects_named_after_it() -> None:
    suite = build_suite(project_name="Acme", project_slug="acme", organization="acme",
                        services=MANIFEST)  # fmt: skip
    contracts = events.event_contracts(suite)
    assert [c.producer.name for c in contracts] == ["orders", "billing"]
    assert contracts[0].subjects == (
        "orders.items.created", "orders.items.updated", "orders.items.deleted")  # fmt: skip
    assert contracts[1].schemas == "services/billing/schemas/"
    assert all(c.consumers == () for c in contracts)


def test_consumers_are_the_backends_whose_consumes_names_the_producer() -> None:
    suite = build_suite(project_name="Acme", project_slug="acme", organization="acme",
                        services=[{"name": "orders", "kind": "backend"},
                                  {"name": "billing", "kind": "backend", "consumes": ["orders"]},
                                  {"name": "audit", "kind": "backend",
                                   "consumes": ["billing", "orders"]}],
                        engines=["nats"])  # fmt: skip
    contracts = {c.producer.name: c.consumers for c in events.event_contracts(suite)}
    assert contracts == {"orders": ("billing", "audit"), "billing": ("audit",), "audit": ()}
