"""Tier 5: every `move` migration of copier.yml carries a user's edits to the file's new path.

For each entry, the layout from before the release is rebuilt in a clone of the working tree
(the file moved back), tagged just below the entry's version; the working tree is tagged as
that version; a repo rendered from the old layout, with the file edited, is updated.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import copier
import pytest
import yaml

from conflicts import conflicts
from helpers import ROOT, commit_all, git, render, run, snapshot_template
from release import template_file

pytestmark = [pytest.mark.update, pytest.mark.xdist_group("update")]

MIGRATIONS: list[dict[str, Any]] = yaml.safe_load((ROOT / "copier.yml").read_text())["_migrations"]
MOVES = [m for m in MIGRATIONS if m["command"][2:3] == ["move"]]
RENAMES = [m for m in MIGRATIONS if m["command"][2:3] == ["answer"]]


def kind_of(migration: dict[str, Any]) -> str:
    found = re.search(r"template_kind == '(\w+)'", migration["when"])
    assert found, f"migration {migration['version']} names no template_kind in its `when`"
    return found.group(1)


def test_every_migration_is_a_tested_move_or_answer_rename() -> None:
    assert sorted(map(str, MOVES + RENAMES)) == sorted(map(str, MIGRATIONS))
    assert MOVES and RENAMES, "copier.yml has a migration of each sort"


@pytest.mark.parametrize("migration", MOVES, ids=[m["version"] for m in MOVES])
def test_move_carries_the_users_edits(migration: dict[str, Any], tmp_path: Path) -> None:
    old, new = migration["command"][3:5]
    kind = kind_of(migration)
    version = migration["version"]
    before = f"{version}.dev0"  # sorts below the release in PEP 440
    clone = snapshot_template(tmp_path / "suite", "0.0.0")
    folder = clone / f"template-{kind}"
    moved = template_file(folder, new)
    suffix = moved.name.removeprefix(Path(new).name)
    back = folder / f"{old}{suffix}"
    back.parent.mkdir(parents=True, exist_ok=True)
    git(clone, "mv", str(moved.relative_to(clone)), str(back.relative_to(clone)))
    commit_all(clone, "layout before the move")
    git(clone, "tag", before)
    git(clone, "revert", "--no-edit", "HEAD")
    git(clone, "tag", version)

    project = render(clone, tmp_path / "project", {"template_kind": kind}, vcs_ref=before,
                     skip_tasks=True)  # fmt: skip
    run(["git", "init", "-q", "-b", "main"], cwd=project)
    edit = "\n# The team's own note, which must follow the file.\n"
    (project / old).write_text((project / old).read_text() + edit)
    commit_all(project, "edited before the release")

    copier.run_update(project, defaults=True, unsafe=True, overwrite=True, quiet=True,
                      vcs_ref=version, skip_tasks=True)  # fmt: skip

    assert conflicts(project) == []
    assert not (project / old).exists()
    assert (project / new).read_text().endswith(edit)
