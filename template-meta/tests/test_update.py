"""`update`: refuses dirty or missing repos, classifies each outcome, commits nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ROOT, sh
from workspace import copier_cli, update
from workspace.manifest import Manifest, WorkspaceError

MANIFEST = """\
project_slug: demo
services:
  - {name: api, kind: backend, port: 8000, route: /api, repo: x, ref: main}
  - {name: web, kind: frontend, port: 3100, route: /, repo: y, ref: main}
"""
Workspace = tuple[Manifest, dict[str, Path]]


@pytest.fixture
def workspace(make_repo: Callable[..., Path]) -> Workspace:
    meta = make_repo("meta", {"polystack.yml": MANIFEST, ".gitignore": "/services/\n"})
    repos = {".": meta}
    for name in ("api", "web"):
        repos[name] = make_repo(f"meta/services/{name}", {"app.txt": f"{name}\n"})
    return Manifest.load(meta), repos


def fake_copier(
    edits: dict[str, Callable[[Path], None]], calls: list[Path]
) -> Callable[..., object]:
    def run(repo: Path, data_file: Path, vcs_ref: str | None = None) -> copier_cli.Result:
        calls.append(repo)
        assert "services" in data_file.read_text()
        edit = edits.get(repo.name)
        if edit:
            edit(repo)
        return copier_cli.Result(0, "")

    return run


def test_each_repo_is_reported_and_nothing_is_committed(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    manifest, repos = workspace
    calls: list[Path] = []

    def template_change(repo: Path) -> None:
        (repo / "app.txt").write_text("api v2\n")

    def conflict(repo: Path) -> None:
        (repo / "app.txt").write_text(
            "<<<<<<< before updating\nweb\n=======\nv2\n>>>>>>> after updating\n"
        )

    monkeypatch.setattr(
        copier_cli, "update", fake_copier({"api": template_change, "web": conflict}, calls)
    )
    outcomes = update.update_all(manifest)
    assert calls == [repos["."], repos["api"], repos["web"]]
    assert [(o.repo, o.state, o.files) for o in outcomes] == [
        (".", update.CURRENT, []),
        ("api", update.UPDATED, ["app.txt"]),
        ("web", update.CONFLICTS, ["app.txt"]),
    ]
    assert all(
        sh(path, "git", "rev-list", "--count", "HEAD").strip() == "1" for path in repos.values()
    )
    text = update.report(outcomes)
    assert "web" in text
    assert "conflicts" in text
    assert "app.txt" in text


def test_a_failed_copier_run_is_reported(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    manifest, _ = workspace
    monkeypatch.setattr(
        copier_cli, "update", lambda *a, **k: copier_cli.Result(1, "boom\nValueError")
    )
    outcomes = update.update_all(manifest)
    assert {o.state for o in outcomes} == {update.FAILED}
    assert "ValueError" in update.report(outcomes)


def test_a_dirty_repo_stops_everything_before_it_starts(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    manifest, repos = workspace
    (repos["web"] / "app.txt").write_text("edited\n")
    calls: list[Path] = []
    monkeypatch.setattr(copier_cli, "update", fake_copier({}, calls))
    with pytest.raises(WorkspaceError, match="uncommitted changes in web"):
        update.update_all(manifest)
    assert calls == []


def test_a_missing_service_stops_everything(workspace: Workspace) -> None:
    manifest, repos = workspace
    sh(repos["api"].parent, "rm", "-rf", "api")
    with pytest.raises(WorkspaceError, match="make bootstrap"):
        update.update_all(manifest)


def test_check_reports_the_repos_behind(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    manifest, _ = workspace

    def check(repo: Path) -> copier_cli.Versions:
        behind = repo.name == "api"
        return copier_cli.Versions(behind, "1.0.0", "1.1.0" if behind else "1.0.0")

    monkeypatch.setattr(copier_cli, "check_update", check)
    states = {o.repo: o.state for o in update.update_all(manifest, check=True)}
    assert states == {".": update.CURRENT, "api": update.BEHIND, "web": update.CURRENT}


def test_check_update_reads_copier_s_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    printed = '{"update_available": true, "current_version": "1.0.0", "latest_version": "1.2.0"}'
    monkeypatch.setattr(copier_cli, "copier", lambda *a, **k: copier_cli.Result(0, printed + "\n"))
    assert copier_cli.check_update(tmp_path) == copier_cli.Versions(True, "1.0.0", "1.2.0")


def test_this_repo_is_a_workspace() -> None:
    names = [name for name, _ in update.repos(Manifest.load(ROOT))]
    assert names[0] == "."
    assert len(names) == len(set(names))
