"""`releases`: tags rebuilt from the releases file, versions crossed, notes per version."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import sh
from workspace import releases
from workspace.manifest import WorkspaceError

CHANGELOG = """\
# Changelog

## Unreleased

- Work in progress.

## 1.1.0

- Adds SECURITY.md.

Manual steps: none.

## 1.0.0

First release.
"""


@pytest.fixture
def suite(make_repo: Callable[..., Path]) -> Path:
    """A template history of two commits, neither tagged, the second recording both."""
    repo = make_repo("suite", {"CHANGELOG.md": "# Changelog\n"})
    first = sh(repo, "git", "rev-parse", "HEAD").strip()
    (repo / "CHANGELOG.md").write_text(CHANGELOG)
    sh(repo, "git", "commit", "-qam", "second")
    second = sh(repo, "git", "rev-parse", "HEAD").strip()
    (repo / "releases.yml").write_text(
        f'- {{version: "1.0.0", commit: {first}}}\n'
        f'- {{version: "1.1.0", commit: {second}}}\n'
        '- {version: "0.9.0", commit: 0123456789012345678901234567890123456789}\n'
    )
    sh(repo, "git", "add", "releases.yml")
    sh(repo, "git", "commit", "-qm", "record the releases")
    return repo


def test_missing_tags_are_rebuilt_at_their_commits(suite: Path) -> None:
    assert releases.rebuild_tags(suite) == ["1.0.0", "1.1.0"]  # 0.9.0's commit is not here
    assert sh(suite, "git", "rev-parse", "1.1.0^{commit}") == sh(suite, "git", "rev-parse",
                                                                   "HEAD~1")  # fmt: skip
    assert releases.rebuild_tags(suite) == []


def test_the_template_copy_knows_versions_and_notes(suite: Path) -> None:
    with releases.open_template(str(suite)) as template:
        assert template.versions == ["1.0.0", "1.1.0"]
        assert template.latest == "1.1.0"
        notes = template.release_notes("1.0.0", "1.1.0")
        path = template.path
    assert list(notes) == ["1.1.0"]
    assert "Adds SECURITY.md." in notes["1.1.0"]
    assert "Manual steps: none." in notes["1.1.0"]
    assert not path.exists()


def test_an_unreadable_source_names_the_answer_to_fix(tmp_path: Path) -> None:
    with (
        pytest.raises(WorkspaceError, match="_src_path"),
        releases.open_template(str(tmp_path / "nowhere")),
    ):
        pass


def test_git_url_expands_copier_shorthands() -> None:
    assert releases.git_url("gh:acme/polystack") == "https://github.com/acme/polystack.git"
    assert releases.git_url("gl:acme/polystack.git") == "https://gitlab.com/acme/polystack.git"
    assert releases.git_url("git+https://example.com/x") == "https://example.com/x"
    assert releases.git_url("/srv/polystack") == "/srv/polystack"


def test_crossed_versions_are_after_the_current_up_to_the_target() -> None:
    versions = releases.sorted_versions(["2.0.0", "1.0.0", "1.1.0", "2.1.0rc1", "nightly"])
    assert versions == ["1.0.0", "1.1.0", "2.0.0"]
    assert releases.crossed(versions, "1.0.0", "2.0.0") == ["1.1.0", "2.0.0"]
    assert releases.crossed(versions, "2.0.0", "2.0.0") == []
    assert releases.crossed(versions, "1.0.0-3-gabc1234", "1.1.0") == ["1.1.0"]


def test_changelog_sections_by_version() -> None:
    notes = releases.changelog_notes(CHANGELOG)
    assert list(notes) == ["Unreleased", "1.1.0", "1.0.0"]
    assert notes["1.0.0"] == "First release."


def test_a_releases_file_must_be_a_list() -> None:
    with pytest.raises(WorkspaceError, match="list"):
        releases.recorded_releases("version: 1.0.0\n")
