"""The layout migration carries a user's version of a moved file to its new path."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import migrate as migrate_module
from helpers import ROOT, commit_all, git, run

pytestmark = pytest.mark.update

MIGRATE = ROOT / "extensions" / "migrate.py"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    run(["git", "init", "-q", "-b", "main", str(tmp_path)])
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "guide.md").write_text("template line\nuser line\n")
    commit_all(tmp_path, "project with a user edit")
    return tmp_path


def migrate(repo: Path, *args: str) -> str:
    """The migration as Copier runs it: a script, in the project."""
    return run([sys.executable, MIGRATE, *args], cwd=repo).stdout


def test_main_in_process(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(repo)
    assert migrate_module.main(["move", "docs/guide.md", "guide.md"]) == 0
    assert "moved docs/guide.md -> guide.md" in capsys.readouterr().out
    assert (repo / "guide.md").read_text() == "template line\nuser line\n"


def test_user_version_follows_the_move_after_copier_dropped_it(repo: Path) -> None:
    # What copier leaves: the old path deleted, the template's copy at the new path.
    (repo / "docs" / "guide.md").unlink()
    (repo / "handbook").mkdir()
    (repo / "handbook" / "guide.md").write_text("template line\n")
    out = migrate(repo, "move", "docs/guide.md", "handbook/guide.md")
    assert "with the project's edits" in out
    assert (repo / "handbook" / "guide.md").read_text() == "template line\nuser line\n"
    assert not (repo / "docs" / "guide.md").exists()


def test_old_file_still_in_the_tree_is_moved(repo: Path) -> None:
    migrate(repo, "move", "docs/guide.md", "a/b/guide.md")
    assert (repo / "a" / "b" / "guide.md").read_text() == "template line\nuser line\n"
    assert not (repo / "docs" / "guide.md").exists()


def test_file_the_user_deleted_stays_deleted(repo: Path) -> None:
    git(repo, "rm", "-q", "docs/guide.md")
    commit_all(repo, "user deletes the guide")
    (repo / "handbook").mkdir()
    (repo / "handbook" / "guide.md").write_text("template line\n")
    out = migrate(repo, "move", "docs/guide.md", "handbook/guide.md")
    assert "deleted in the project" in out
    assert not (repo / "handbook" / "guide.md").exists()


def test_a_project_that_already_has_the_new_path_is_left_alone(repo: Path) -> None:
    (repo / "handbook").mkdir()
    (repo / "handbook" / "guide.md").write_text("mine\n")
    commit_all(repo, "user made the new path already")
    out = migrate(repo, "move", "docs/guide.md", "handbook/guide.md")
    assert "nothing to move" in out
    assert (repo / "handbook" / "guide.md").read_text() == "mine\n"
    assert (repo / "docs" / "guide.md").exists()


def test_usage_errors_exit_non_zero(repo: Path) -> None:
    proc = subprocess.run([sys.executable, MIGRATE, "move", "only-one"], cwd=repo,
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert proc.returncode == 2
    assert "usage" in proc.stderr


ANSWERS = "# Changes here will be overwritten by Copier\n_commit: 0.2.0\nauth: jwt\nname: jwt\n"


def test_answer_rename_changes_only_that_key(tmp_path: Path) -> None:
    (tmp_path / ".copier-answers.yml").write_text(ANSWERS)
    out = migrate(tmp_path, "answer", ".copier-answers.yml", "auth", "jwt", "oidc")
    assert "auth 'jwt' is now 'oidc'" in out
    assert (tmp_path / ".copier-answers.yml").read_text() == ANSWERS.replace(
        "auth: jwt", "auth: oidc"
    )


@pytest.mark.parametrize("recorded", ["auth: none\n", "auth: jwt_other\n", ""])
def test_answer_rename_leaves_other_values(tmp_path: Path, recorded: str) -> None:
    (tmp_path / ".copier-answers.yml").write_text(f"_commit: 0.2.0\n{recorded}")
    out = migrate(tmp_path, "answer", ".copier-answers.yml", "auth", "jwt", "oidc")
    assert "nothing to rename" in out
    assert (tmp_path / ".copier-answers.yml").read_text() == f"_commit: 0.2.0\n{recorded}"


def test_answer_rename_reads_a_quoted_value(tmp_path: Path) -> None:
    (tmp_path / ".copier-answers.yml").write_text("auth: 'jwt'\n")
    migrate(tmp_path, "answer", ".copier-answers.yml", "auth", "jwt", "oidc")
    assert (tmp_path / ".copier-answers.yml").read_text() == "auth: oidc\n"
