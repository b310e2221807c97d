"""The manifest and the recorded answers, as rendered into this repo and in edge cases."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import ROOT
from workspace.manifest import Manifest, WorkspaceError, template_source


def test_the_rendered_manifest_lists_resolved_services() -> None:
    manifest = Manifest.load(ROOT)
    services = manifest.services
    assert services, "the manifest has no service"
    assert len({s.name for s in services}) == len(services)
    assert len({s.port for s in services}) == len(services)
    assert all(s.kind in ("backend", "frontend") for s in services)
    assert all(s.route.startswith("/") for s in services)


def test_the_manifest_matches_the_recorded_answers() -> None:
    """What Copier recorded is what the manifest says: an update changes nothing."""
    manifest = Manifest.load(ROOT)
    recorded = yaml.safe_load((ROOT / ".copier-answers.yml").read_text())
    assert {k: recorded[k] for k in manifest.shared_answers()} == manifest.shared_answers()


def test_the_template_source_is_recorded() -> None:
    source = template_source(ROOT)
    assert source.url
    assert source.ref


def test_an_unresolved_entry_asks_for_an_update(tmp_path: Path) -> None:
    (tmp_path / "polystack.yml").write_text("services:\n  - {name: api, kind: backend}\n")
    with pytest.raises(WorkspaceError, match="run `make update`"):
        assert Manifest.load(tmp_path).services


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- just a list\n", "mapping"),
        ("services: [oops\n", "not valid YAML"),
        ("services: {}\n", "must be a YAML list"),
        ("services:\n  - {kind: backend}\n", "needs a name and a kind"),
    ],
)
def test_a_broken_manifest_is_reported(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "polystack.yml").write_text(text)
    with pytest.raises(WorkspaceError, match=message):
        assert Manifest.load(tmp_path).services


def test_a_missing_template_source_is_reported(tmp_path: Path) -> None:
    (tmp_path / ".copier-answers.yml").write_text("project_slug: x\n")
    with pytest.raises(WorkspaceError, match="_src_path"):
        template_source(tmp_path)


def test_with_service_appends_an_entry() -> None:
    manifest = Manifest.load(ROOT)
    answers = manifest.with_service({"name": "extra", "kind": "backend"})
    assert answers["services"][-1] == {"name": "extra", "kind": "backend"}
    assert len(answers["services"]) == len(manifest.services) + 1
