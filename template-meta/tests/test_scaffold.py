"""`bootstrap`: clone each missing service at its pinned ref, render it when there is none."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import sh
from workspace import scaffold
from workspace.manifest import Manifest, ServiceEntry


def write_manifest(root: Path, repo: str, ref: str = "main") -> Manifest:
    root.mkdir(parents=True, exist_ok=True)
    (root / "polystack.yml").write_text(
        f"services:\n  - {{name: api, kind: backend, port: 8000, route: /api, "
        f"repo: {repo!r}, ref: {ref!r}}}\n"
    )
    return Manifest.load(root)


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records the services `render` is asked for instead of running Copier."""
    calls: list[str] = []

    def render(manifest: Manifest, service: ServiceEntry, renderer: object) -> None:
        dest = manifest.service_dir(service.name)
        dest.mkdir(parents=True, exist_ok=True)
        (dest / "rendered.txt").write_text(service.kind)
        calls.append(service.name)

    monkeypatch.setattr(scaffold, "render", render)
    return calls


def test_bootstrap_clones_at_the_pinned_ref(
    make_repo: Callable[..., Path], tmp_path: Path, rendered: list[str]
) -> None:
    origin = make_repo("origin", {"v.txt": "1\n"})
    sh(origin, "git", "tag", "v1")
    (origin / "v.txt").write_text("2\n")
    sh(origin, "git", "commit", "-qam", "two")
    manifest = write_manifest(tmp_path / "meta", str(origin), ref="v1")
    outcome = scaffold.scaffold_missing(manifest, try_clone=True)
    assert outcome == {"api": f"cloned {origin} at v1"}
    assert (manifest.service_dir("api") / "v.txt").read_text() == "1\n"
    assert rendered == []
    assert scaffold.scaffold_missing(manifest, try_clone=True) == {"api": "present"}


def test_bootstrap_renders_when_the_clone_fails(tmp_path: Path, rendered: list[str]) -> None:
    manifest = write_manifest(tmp_path / "meta", str(tmp_path / "no-such-repo"))
    outcome = scaffold.scaffold_missing(manifest, try_clone=True)
    assert outcome == {"api": "rendered from the templates"}
    assert rendered == ["api"]


def test_bootstrap_renders_into_an_empty_remote(tmp_path: Path, rendered: list[str]) -> None:
    remote = tmp_path / "empty.git"
    sh(tmp_path, "git", "init", "-q", "--bare", str(remote))
    manifest = write_manifest(tmp_path / "meta", str(remote))
    outcome = scaffold.scaffold_missing(manifest, try_clone=True)
    assert outcome["api"].startswith("rendered into the empty clone")
    assert sh(manifest.service_dir("api"), "git", "remote", "get-url", "origin").strip() == str(
        remote
    )


def test_scaffold_never_clones(
    make_repo: Callable[..., Path], tmp_path: Path, rendered: list[str]
) -> None:
    origin = make_repo("origin")
    manifest = write_manifest(tmp_path / "meta", str(origin))
    assert scaffold.scaffold_missing(manifest, try_clone=False) == {
        "api": "rendered from the templates"
    }
    assert rendered == ["api"]
