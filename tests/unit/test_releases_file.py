"""releases.yml and CHANGELOG.md describe the same releases: every recorded release has its
notes, every released section but the newest its commit, each commit in the history."""

from __future__ import annotations

import pytest
import yaml

from helpers import ROOT, run
from workspace import releases

pytestmark = pytest.mark.unit

RECORDED = releases.recorded_releases((ROOT / releases.RELEASES_FILE).read_text())
NOTES = releases.changelog_notes((ROOT / releases.CHANGELOG_FILE).read_text())


def test_every_recorded_release_has_notes() -> None:
    assert set(RECORDED) <= set(NOTES)
    assert all(NOTES[version] for version in RECORDED)


def test_the_changelog_opens_with_unreleased_then_the_newest_release() -> None:
    sections = list(NOTES)
    assert sections[0] == "Unreleased"
    released = sections[1:]
    assert released == sorted(released, key=releases.parse_version, reverse=True)
    # Recorded in the commit after the release's: only the newest may still be unrecorded.
    assert set(released[1:]) <= set(RECORDED)


@pytest.mark.parametrize("version", sorted(RECORDED))
def test_each_release_commit_is_in_the_history(version: str) -> None:
    commit = RECORDED[version]
    found = run(["git", "cat-file", "-t", commit], cwd=ROOT, check=False).stdout.strip()
    assert found == "commit", f"{version}: {commit} is not a commit of this history"
    # The release's own migrations are in its copier.yml: the commit is the release.
    config = yaml.safe_load(run(["git", "show", f"{commit}:copier.yml"], cwd=ROOT).stdout)
    later = [m["version"] for m in config.get("_migrations", [])]
    assert all(releases.parse_version(v) <= releases.parse_version(version) for v in later)
