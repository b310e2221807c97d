"""Tier 5 across releases: a repo rendered with the previous release (releases.yml, whose
tags a clone may lack) updates to the working tree without conflict, into exactly what a
fresh render of the working tree gives."""

from __future__ import annotations

import filecmp
import shutil
from pathlib import Path

import copier
import pytest
from packaging.version import Version

from conflicts import conflicts
from helpers import IGNORED, ROOT, answers, commit_all, git, render, run
from workspace import releases

pytestmark = [pytest.mark.update, pytest.mark.xdist_group("update")]


def previous_release(repo: Path) -> str:
    """The newest release, its tag rebuilt from releases.yml when the clone lacks it."""
    releases.rebuild_tags(repo)
    versions = releases.sorted_versions(git(repo, "tag", "--list").split())
    if not versions:
        pytest.fail(f"no release in {repo}: {releases.RELEASES_FILE} names no commit it holds")
    return versions[-1]


@pytest.fixture(scope="module")
def suite(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """A clone of the suite's history whose newest commit is the working tree.

    Returns the clone, the previous release's tag and the working tree's tag.
    """
    clone = tmp_path_factory.mktemp("releases") / "polystack"
    run(["git", "clone", "-q", str(ROOT), str(clone)])
    old_tag = previous_release(clone)
    for child in clone.iterdir():
        if child.name != ".git":
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    shutil.copytree(ROOT, clone, ignore=IGNORED, dirs_exist_ok=True)
    commit_all(clone, "working tree")
    new_tag = f"{Version(old_tag).base_version}.post999"
    git(clone, "tag", new_tag)
    return clone, old_tag, new_tag


def tree(folder: Path) -> list[str]:
    skipped = {".git", ".copier-answers.yml"}
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")
                  if p.is_file() and not skipped & set(p.relative_to(folder).parts))  # fmt: skip


@pytest.mark.parametrize("kind", ["meta", "backend", "frontend"])
def test_previous_release_updates_cleanly_to_the_working_tree(
    suite: tuple[Path, str, str], tmp_path: Path, kind: str
) -> None:
    clone, old_tag, new_tag = suite
    data = {"template_kind": kind}
    project = render(clone, tmp_path / "updated", data, vcs_ref=old_tag, skip_tasks=True)
    run(["git", "init", "-q", "-b", "main"], cwd=project)
    commit_all(project, f"rendered at {old_tag}")

    copier.run_update(project, defaults=True, unsafe=True, overwrite=True, quiet=True,
                      vcs_ref=new_tag, skip_tasks=True)  # fmt: skip

    assert conflicts(project) == []
    assert answers(project)["_commit"] == new_tag
    fresh = render(clone, tmp_path / "fresh", data, vcs_ref=new_tag, skip_tasks=True)
    files = tree(fresh)
    assert tree(project) == files
    _, differ, errors = filecmp.cmpfiles(fresh, project, files, shallow=False)
    assert (differ, errors) == ([], [])
