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
        ("services: [oops\n", r"not valid YAML at line 2, column 1: expected ',' or ']'"),
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


def test_every_broken_entry_is_reported_at_once(tmp_path: Path) -> None:
    (tmp_path / "polystack.yml").write_text(
        "services:\n"
        "  - {kind: backend}\n"
        "  - {name: api, kind: backend}\n"
        "  - {name: web, kind: frontend, port: x, route: /, repo: y, ref: main}\n"
    )
    with pytest.raises(WorkspaceError) as caught:
        assert Manifest.load(tmp_path).services
    assert str(caught.value).splitlines() == [
        f"{tmp_path / 'polystack.yml'}:",
        "- services[0] needs a name and a kind",
        "- service 'api' has no port, ref, repo, route: commit the manifest and run "
        "`make update` to resolve it",
        "- service 'web' has port 'x': use a number",
    ]


@pytest.mark.parametrize(
    "source", ["/srv/polystack", "~/polystack", "gh:acme/polystack", "git@github.com:a/b.git",
               "https://github.com/acme/polystack.git"],
)  # fmt: skip
def test_a_template_source_that_works_from_anywhere_is_used(tmp_path: Path, source: str) -> None:
    (tmp_path / ".copier-answers.yml").write_text(f"_commit: 1.0.0\n_src_path: '{source}'\n")
    assert template_source(tmp_path).url == source


def test_a_relative_template_source_is_refused_with_what_to_record(tmp_path: Path) -> None:
    (tmp_path / ".copier-answers.yml").write_text("_commit: 1.0.0\n_src_path: ./polystack\n")
    with pytest.raises(WorkspaceError, match=r"relative path '\./polystack'.*absolute path"):
        template_source(tmp_path)
