"""Tier 5: a recorded answer whose choice a release renamed is updated to the new name.

The repo is rendered by the newest release that offers the old choice (its tag rebuilt from
releases.yml), then updated to the working tree tagged as the migration's version, as
`copier update` runs it: the answer is renamed before Copier reads it, so the update renders
the renamed variant instead of dropping the answer for its default.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import copier
import pytest
import yaml

from conflicts import conflicts
from helpers import IGNORED, ROOT, answers, commit_all, git, render, run
from workspace import releases

pytestmark = [pytest.mark.update, pytest.mark.xdist_group("update")]

MIGRATIONS: list[dict[str, Any]] = yaml.safe_load((ROOT / "copier.yml").read_text())["_migrations"]
RENAMES = [m for m in MIGRATIONS if m["command"][2:3] == ["answer"]]


def offers(repo: Path, tag: str, key: str, choice: str) -> bool:
    questions = yaml.safe_load(git(repo, "show", f"{tag}:copier.yml"))
    return choice in questions.get(key, {}).get("choices", [])


@pytest.mark.parametrize("migration", RENAMES, ids=[m["version"] for m in RENAMES])
def test_renamed_answer_renders_the_renamed_variant(
    migration: dict[str, Any], tmp_path: Path
) -> None:
    key, old, new = migration["command"][4:7]
    clone = tmp_path / "polystack"
    run(["git", "clone", "-q", str(ROOT), str(clone)])
    releases.rebuild_tags(clone)
    offering = [tag for tag in releases.sorted_versions(git(clone, "tag", "--list").split())
                if offers(clone, tag, key, old)]  # fmt: skip
    assert offering, f"no release offers {key}={old}: releases.yml names none"
    for child in clone.iterdir():
        if child.name != ".git":
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    shutil.copytree(ROOT, clone, ignore=IGNORED, dirs_exist_ok=True)
    commit_all(clone, "working tree")
    git(clone, "tag", migration["version"])

    data = {"template_kind": "backend", key: old}
    project = render(clone, tmp_path / "project", data, vcs_ref=offering[-1], skip_tasks=True)
    run(["git", "init", "-q", "-b", "main"], cwd=project)
    commit_all(project, f"rendered at {offering[-1]} with {key}={old}")

    copier.run_update(project, defaults=True, unsafe=True, overwrite=True, quiet=True,
                      vcs_ref=migration["version"], skip_tasks=True)  # fmt: skip

    assert conflicts(project) == []
    assert answers(project)[key] == new
    fresh = render(clone, tmp_path / "fresh", {"template_kind": "backend", key: new},
                   vcs_ref=migration["version"], skip_tasks=True)  # fmt: skip
    package = next((fresh / "src").iterdir()).name
    for path in (f"src/{package}/core/auth.py", ".env.example", "uv.lock"):
        assert (project / path).read_text() == (fresh / path).read_text(), path
