"""History: the commits that touched a folder, out of a clone; the source stays as it was."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import sh
from workspace import history
from workspace.manifest import WorkspaceError


@pytest.fixture
def mono(make_repo: Callable[..., Path]) -> Path:
    repo = make_repo("mono", {"apps/a/main.py": "a\n", "docs/x.md": "x\n"})
    (repo / "docs" / "x.md").write_text("y\n")
    sh(repo, "git", "commit", "-qam", "docs only")
    (repo / "apps" / "a" / "main.py").write_text("b\n")
    sh(repo, "git", "commit", "-qam", "change a")
    sh(repo, "git", "tag", "v1")
    return repo


def test_extract_keeps_the_folder_s_commits(mono: Path, tmp_path: Path) -> None:
    before = sh(mono, "git", "for-each-ref") + sh(mono, "git", "status", "--porcelain")
    source = history.clone_source(str(mono), "v1", tmp_path / "source.git")
    assert history.folder_problem(source, "apps/a", "a") is None
    assert history.extract(source, "apps/a", tmp_path / "a") == 2
    assert sh(tmp_path / "a", "git", "log", "--format=%s").split("\n")[:2] == ["change a", "first"]
    assert (tmp_path / "a" / "main.py").read_text() == "b\n"
    assert sh(tmp_path / "a", "git", "tag") == ""
    assert sh(mono, "git", "for-each-ref") + sh(mono, "git", "status", "--porcelain") == before


def test_problems_name_the_fix(mono: Path, tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="not a git repository that can be cloned"):
        history.clone_source(str(tmp_path / "nowhere"), None, tmp_path / "s1.git")
    with pytest.raises(WorkspaceError, match=r"REF 'v9' .* branches \(main\)"):
        history.clone_source(str(mono), "v9", tmp_path / "s2.git")
    source = history.clone_source(str(mono), None, tmp_path / "s3.git")
    assert "does not exist" in str(history.folder_problem(source, "apps/b", "b"))
    assert "is a file" in str(history.folder_problem(source, "docs/x.md", "x"))
