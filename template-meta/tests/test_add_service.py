"""`add-service`: the entry the user asked for, nothing more, on top of the manifest."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from workspace import add_service, update
from workspace.manifest import Manifest

MANIFEST = """\
project_slug: demo
services:
  - {name: api, kind: backend, port: 8000, route: /api, repo: x, ref: main}
"""


def test_new_entry_has_only_what_was_given() -> None:
    assert add_service.new_entry("jobs", "backend", None, None) == {
        "name": "jobs",
        "kind": "backend",
    }
    assert add_service.new_entry("admin", "frontend", 3200, "/admin") == {
        "name": "admin", "kind": "frontend", "port": 3200, "route": "/admin",
    }  # fmt: skip


def test_the_update_gets_the_manifest_with_the_new_entry(
    make_repo: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_repo("meta", {"polystack.yml": MANIFEST})
    seen = []

    def update_all(root: Path, **kwargs: object) -> list[update.Outcome]:
        seen.append(kwargs["answers"])
        return []

    monkeypatch.setattr(update, "update_all", update_all)
    add_service.add_service(root, "jobs", "backend")
    assert seen[0] == {**Manifest.load(root).shared_answers(), "services": [
        *Manifest.load(root).answers["services"], {"name": "jobs", "kind": "backend"}]}  # fmt: skip
