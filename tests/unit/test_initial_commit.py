"""Tier 1: the copy task that makes every rendered repo a git repo with a first commit."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import git, run
from initial_commit import FALLBACK_IDENTITY, MESSAGE, initial_commit

pytestmark = pytest.mark.unit


def rendered(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "uv.lock").write_text("lock\n")
    (folder / "README.md").write_text("# repo\n")
    return folder


def test_fresh_render_gets_one_commit_with_every_file(tmp_path: Path) -> None:
    repo = rendered(tmp_path / "svc")
    assert initial_commit(repo) is True
    assert git(repo, "log", "--format=%s") == MESSAGE
    assert git(repo, "branch", "--show-current") == "main"
    assert sorted(git(repo, "ls-files").split()) == ["README.md", "uv.lock"]
    assert initial_commit(repo) is False  # already a repo: left alone


def test_render_inside_a_work_tree_joins_it(tmp_path: Path) -> None:
    run(["git", "init", "-q", str(tmp_path)])
    assert initial_commit(rendered(tmp_path / "sub")) is False
    assert not (tmp_path / "sub" / ".git").exists()


def test_render_in_an_ignored_folder_gets_its_own_repo(tmp_path: Path) -> None:
    run(["git", "init", "-q", str(tmp_path)])
    (tmp_path / ".gitignore").write_text("/services/\n")
    service = rendered(tmp_path / "services" / "api")
    assert initial_commit(service) is True
    assert (service / ".git").is_dir()


def test_without_a_git_identity_a_neutral_one_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME",
                "GIT_COMMITTER_EMAIL", "EMAIL"):  # fmt: skip
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "none"))
    repo = rendered(tmp_path / "svc")
    assert initial_commit(repo) is True
    name, email = FALLBACK_IDENTITY
    author = run(["git", "log", "--format=%an <%ae>"], cwd=repo, env={}).stdout.strip()
    assert author == f"{name} <{email}>"


def test_a_failing_git_step_stops_with_its_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = rendered(tmp_path / "svc")
    (repo / "hook").mkdir()
    monkeypatch.setenv("GIT_DIR", str(tmp_path / "not-a-dir" / "x"))
    with pytest.raises(SystemExit, match="git"):
        initial_commit(repo)
