"""Git queries and commands of the workspace tool, on real throwaway repos."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import sh
from workspace import gitrepo


def test_commit_all_without_any_identity_uses_the_fallback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(key)
    monkeypatch.setenv("EMAIL", "")
    repo = tmp_path / "fresh"
    repo.mkdir()
    (repo / "a.txt").write_text("a\n")
    gitrepo.commit_all(repo, "Initial commit")
    author = sh(repo, "git", "log", "-1", "--format=%an <%ae>").strip()
    assert author == "Polystack <polystack@localhost>"
    assert sh(repo, "git", "branch", "--show-current").strip() == "main"
    assert gitrepo.changed_paths(repo) == []


def test_commit_all_keeps_a_configured_identity(tmp_path: Path) -> None:
    repo = tmp_path / "fresh"
    repo.mkdir()
    (repo / "a.txt").write_text("a\n")
    gitrepo.commit_all(repo, "Initial commit")
    assert sh(repo, "git", "log", "-1", "--format=%ae").strip() == "test@example.invalid"


def test_changed_paths_lists_modified_untracked_and_renamed(
    make_repo: Callable[..., Path],
) -> None:
    repo = make_repo(files={"a.txt": "a\n", "b.txt": "b\n"})
    (repo / "a.txt").write_text("changed\n")
    (repo / "new dir").mkdir()
    (repo / "new dir" / "c.txt").write_text("c\n")
    sh(repo, "git", "mv", "b.txt", "renamed.txt")
    assert sorted(gitrepo.changed_paths(repo)) == ["a.txt", "new dir/c.txt", "renamed.txt"]


def test_state_reports_branch_changes_and_ahead_behind(
    make_repo: Callable[..., Path], tmp_path: Path
) -> None:
    origin = make_repo("origin")
    clone = tmp_path / "clone"
    sh(tmp_path, "git", "clone", "-q", str(origin), str(clone))
    assert gitrepo.state(clone) == gitrepo.RepoState("main", 0, 0, 0)
    (origin / "README.md").write_text("upstream\n")
    sh(origin, "git", "commit", "-qam", "upstream")
    sh(clone, "git", "fetch", "-q")
    (clone / "local.txt").write_text("x\n")
    sh(clone, "git", "add", "local.txt")
    sh(clone, "git", "commit", "-qm", "local")
    (clone / "README.md").write_text("dirty\n")
    assert gitrepo.state(clone) == gitrepo.RepoState("main", 1, 1, 1)


def test_state_without_upstream(make_repo: Callable[..., Path]) -> None:
    state = gitrepo.state(make_repo())
    assert (state.ahead, state.behind) == (None, None)


def test_conflicted_files_finds_unmerged_rejects_and_markers(
    make_repo: Callable[..., Path],
) -> None:
    repo = make_repo(files={"a.txt": "base\n", "b.txt": "b\n", "c.txt": "c\n"})
    sh(repo, "git", "checkout", "-qb", "other")
    (repo / "a.txt").write_text("theirs\n")
    sh(repo, "git", "commit", "-qam", "theirs")
    sh(repo, "git", "checkout", "-q", "main")
    (repo / "a.txt").write_text("ours\n")
    sh(repo, "git", "commit", "-qam", "ours")
    proc = subprocess.run(
        ["git", "merge", "-q", "other"], cwd=repo, capture_output=True, check=False
    )
    assert proc.returncode != 0
    (repo / "b.txt").write_text("<<<<<<< before updating\nmine\n=======\nnew\n>>>>>>> after\n")
    (repo / "c.txt.rej").write_text("@@ rejected hunk\n")
    (repo / ".gitignore").write_text("*.rej\nbuild/\n")
    (repo / "build").mkdir()
    (repo / "build" / "out.txt").write_text("ignored\n")
    assert gitrepo.conflicted_files(repo) == ["a.txt", "b.txt", "c.txt.rej"]
    status = gitrepo.status(repo)  # one `git status` for both lists
    assert status.conflicted == ["a.txt", "b.txt", "c.txt.rej"]
    assert sorted(status.changed) == sorted(gitrepo.changed_paths(repo))
    assert "build/out.txt" not in status.changed


def test_conflicted_files_ignores_a_clean_update(make_repo: Callable[..., Path]) -> None:
    repo = make_repo(files={"a.txt": "a\n"})
    (repo / "a.txt").write_text("a line with ======= inside is fine\n")
    assert gitrepo.conflicted_files(repo) == []
