"""Tier 1: the facts README.md and AGENTS.md render, per kind of repo."""

from __future__ import annotations

import pytest

from guide import GUIDES, Command, guide

pytestmark = pytest.mark.unit


def test_a_command_names_its_targets_and_its_usage() -> None:
    command = Command(("lint", "fmt"), "check / fix")
    assert command.names == ("lint", "fmt")
    assert command.usage == "`make lint` / `make fmt`"
    with_args = Command(("add-service NAME=<name> KIND=backend|frontend",), "add one")
    assert with_args.names == ("add-service",)


def test_backend_layout_names_its_package() -> None:
    layout = dict(guide("backend", "billing").layout)
    assert "src/billing/api/" in layout
    assert not any("{package}" in path for path, _ in guide("backend", "billing").layout)


@pytest.mark.parametrize("kind", sorted(GUIDES))
def test_every_kind_keeps_secrets_out_and_checks_with_make_check(kind: str) -> None:
    facts = guide(kind)
    assert facts.check == "make check"
    assert ".env" in dict(facts.never_commit)
    assert any(c.names == ("check",) for c in facts.commands)
    assert any("Conventional Commits" in c for c in facts.conventions)
