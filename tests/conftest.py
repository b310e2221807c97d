"""Fixtures every tier shares."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from helpers import render, snapshot_template
from services import nats_server, postgres_server, redis_server


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tagged git clone of the working tree: renders record `_src_path` and `_commit`."""
    return snapshot_template(tmp_path_factory.mktemp("template") / "polystack")


@pytest.fixture
def render_kind(template: Path, tmp_path: Path) -> Callable[..., Path]:
    """Render one kind with defaults plus the given answers into a fresh folder."""

    def _render(kind: str, name: str = "out", **data: Any) -> Path:
        return render(template, tmp_path / name, {"template_kind": kind, **data})

    return _render


@pytest.fixture(scope="session")
def postgres() -> Iterator[str]:
    """Admin URL of a throwaway PostgreSQL (per test worker); see `services.create_database`."""
    with postgres_server() as url:
        yield url


@pytest.fixture(scope="session")
def nats() -> Iterator[str]:
    """URL of a throwaway nats-server with JetStream (per test worker)."""
    with nats_server() as url:
        yield url


@pytest.fixture(scope="session")
def redis() -> Iterator[str]:
    """URL of a throwaway redis-server's database 0 (per test worker)."""
    with redis_server() as url:
        yield url
