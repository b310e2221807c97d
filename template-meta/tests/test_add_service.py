"""`add-service`: Copier judges the new entry first; a rejected one writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from workspace import add_service, copier_cli, scaffold
from workspace.manifest import Manifest, ServiceEntry, WorkspaceError

MANIFEST = """\
project_slug: demo
services:
  - {name: api, kind: backend, port: 8000, route: /api, repo: x, ref: main}
"""


@pytest.fixture
def meta(make_repo: Callable[..., Path]) -> Manifest:
    root = make_repo("meta", {"polystack.yml": MANIFEST, ".gitignore": "/services/\n"})
    make_repo("meta/services/api")
    return Manifest.load(root)


def test_new_entry_has_only_what_was_given() -> None:
    assert add_service.new_entry("jobs", "backend", None, None) == {
        "name": "jobs",
        "kind": "backend",
    }
    assert add_service.new_entry("admin", "frontend", 3200, "/admin") == {
        "name": "admin", "kind": "frontend", "port": 3200, "route": "/admin",
    }  # fmt: skip


def test_a_rejected_entry_writes_nothing(meta: Manifest, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []

    def reject(repo: Path, data_file: Path, vcs_ref: str | None = None) -> copier_cli.Result:
        seen.append(data_file.read_text())
        assert vcs_ref == ":current:"
        return copier_cli.Result(1, "ValueError: services 'api' and 'jobs' both use port 8000")

    monkeypatch.setattr(copier_cli, "update", reject)
    with pytest.raises(WorkspaceError, match="both use port 8000"):
        add_service.add_service(meta, "jobs", "backend", port=8000)
    assert "name: jobs" in seen[0]
    assert not meta.service_dir("jobs").exists()
    assert (meta.root / "polystack.yml").read_text() == MANIFEST


def test_an_accepted_entry_is_rendered_and_propagated(
    meta: Manifest, monkeypatch: pytest.MonkeyPatch
) -> None:
    updated: list[str] = []
    rendered: list[ServiceEntry] = []

    def accept(repo: Path, data_file: Path, vcs_ref: str | None = None) -> copier_cli.Result:
        updated.append(repo.name)
        if repo == meta.root:  # Copier re-renders the manifest with the entry resolved
            resolved = (
                "  - {name: jobs, kind: backend, port: 8001, route: /jobs, repo: z, ref: main}\n"
            )
            (repo / "polystack.yml").write_text(MANIFEST + resolved)
        else:
            assert "port: 8001" in data_file.read_text()
        return copier_cli.Result(0, "")

    def render(manifest: Manifest, service: ServiceEntry, data_file: Path | None = None) -> None:
        rendered.append(service)

    monkeypatch.setattr(copier_cli, "update", accept)
    monkeypatch.setattr(scaffold, "render", render)
    outcomes = add_service.add_service(meta, "jobs", "backend")
    assert updated == ["meta", "api"]
    assert [s.name for s in rendered] == ["jobs"]
    assert [(o.repo, o.state) for o in outcomes] == [
        (".", "updated"), ("jobs", "rendered"), ("api", "already current"),
    ]  # fmt: skip
