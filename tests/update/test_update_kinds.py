"""Tier 5: a service repo rendered at version N, edited like a user, updated to N+1."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import copier
import pytest
import yaml

from conflicts import conflicts
from helpers import answers, commit_all, free_port, git, render, run, snapshot_template
from release import (
    LAYOUTS,
    NEW_JOB,
    SECURITY,
    TEMPLATE_LABEL,
    USER_LABEL,
    edit_like_a_user,
    insert_after_last,
    release_next,
)

pytestmark = pytest.mark.update

HELLO_ROUTE = '''"""A route the team added."""

from fastapi import APIRouter

router = APIRouter(tags=["hello"])


@router.get("/hello")
async def hello() -> dict[str, str]:
    return {"hello": "world"}
'''
ABOUT_PAGE = """export default function AboutPage() {
  return <main>The platform team owns this app.</main>;
}
"""


def add_backend_route(project: Path) -> dict[str, str]:
    (src,) = (path for path in (project / "src").iterdir() if path.is_dir())  # the package
    (src / "api" / "routes" / "hello.py").write_text(HELLO_ROUTE)
    app = src / "app.py"
    text = app.read_text()
    text = text.replace("from .api.routes import events, health, items",
                        "from .api.routes import events, health, hello, items")  # fmt: skip
    text = text.replace("    api.include_router(events.router)\n",
                        "    api.include_router(events.router)\n"
                        "    api.include_router(hello.router)\n")  # fmt: skip
    app.write_text(text)
    run(["make", "setup"], cwd=project)
    run(["make", "openapi"], cwd=project)
    return {str((src / "app.py").relative_to(project)): "include_router(hello.router)",
            str((src / "api/routes/hello.py").relative_to(project)): '@router.get("/hello")',
            "openapi.json": '"/hello"'}  # fmt: skip


def add_frontend_page(project: Path) -> dict[str, str]:
    page = project / "app" / "about" / "page.tsx"
    page.parent.mkdir(parents=True)
    page.write_text(ABOUT_PAGE)
    return {"app/about/page.tsx": "The platform team owns this app."}


APP_EDITS: dict[str, Callable[[Path], dict[str, str]]] = {
    "backend": add_backend_route,
    "frontend": add_frontend_page,
}


def committed_render(template: Path, dest: Path, kind: str) -> Path:
    project = render(template, dest, {"template_kind": kind}, vcs_ref="1.0.0")
    if not (project / ".git").exists():
        run(["git", "init", "-q", "-b", "main"], cwd=project)
        commit_all(project, "generated")
    assert git(project, "status", "--porcelain") == ""
    return project


def update(project: Path) -> None:
    copier.run_update(project, defaults=True, unsafe=True, overwrite=True, quiet=True)


@pytest.fixture(scope="module")
def releases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Per kind, a suite clone with version 1.0.0 and a release 2.0.0 for that kind."""
    clones = {}
    for kind in LAYOUTS:
        clone = snapshot_template(tmp_path_factory.mktemp(kind) / "polystack", "1.0.0")
        release_next(clone, kind, "2.0.0")
        clones[kind] = clone
    return clones


@pytest.mark.xdist_group("update")
@pytest.mark.parametrize("kind", sorted(LAYOUTS))
def test_update_applies_the_release_and_keeps_every_edit(
    releases: dict[str, Path], tmp_path: Path, kind: str
) -> None:
    layout = LAYOUTS[kind]
    project = committed_render(releases[kind], tmp_path / kind, kind)
    kept = edit_like_a_user(project, kind)
    kept |= APP_EDITS[kind](project)
    commit_all(project, "team edits")

    update(project)

    assert conflicts(project) == []
    assert answers(project)["_commit"] == "2.0.0"
    # The release reached the files the user left alone...
    jobs = yaml.safe_load((project / layout.ci).read_text())["jobs"]
    assert "audit" in jobs, NEW_JOB
    assert TEMPLATE_LABEL in (project / layout.build).read_text().splitlines()
    assert (project / "SECURITY.md").read_text() == SECURITY
    assert not (project / ".editorconfig").exists()
    assert not (project / layout.moved_from).exists()
    # ...and every edit survived, the moved file's included, the deleted file staying deleted.
    for path, text in kept.items():
        assert text in (project / path).read_text(), path
    assert not (project / layout.deleted_by_user).exists()
    # The frontend's browser tests get free ports: tests never bind fixed ones.
    ports = {key: str(free_port()) for key in ("E2E_APP_PORT", "E2E_MOCK_PORT", "E2E_METRICS_PORT")}
    run(["make", "setup"], cwd=project, timeout=1800)
    run(["make", "check"], cwd=project, env=ports, timeout=1800)


@pytest.mark.parametrize("kind", sorted(LAYOUTS))
def test_overlapping_edit_is_reported_not_lost(
    releases: dict[str, Path], tmp_path: Path, kind: str
) -> None:
    layout = LAYOUTS[kind]
    project = committed_render(releases[kind], tmp_path / kind, kind)
    insert_after_last(project / layout.build, "FROM ", USER_LABEL)
    commit_all(project, "team label")

    update(project)

    assert layout.build in conflicts(project)
    lines = (project / layout.build).read_text().splitlines()
    assert USER_LABEL in lines
    assert TEMPLATE_LABEL in lines
    # Files without overlap still took the release.
    assert (project / "SECURITY.md").exists()
