"""Tier 5: `copier update` brings the suite's new decision records and never loses the team's.

A backend repo rendered at 1.0.0 gets its own record (0100), an edit to a suite record that
the release leaves alone, an edit to a line the release changes, and an index entry; then
it is updated to 2.0.0, which revises a record and adds one.
"""

from __future__ import annotations

from pathlib import Path

import copier
import pytest

from conflicts import conflicts
from helpers import answers, commit_all, git, render, snapshot_template
from release import replace_once

pytestmark = [pytest.mark.update, pytest.mark.xdist_group("update")]

ADR = "docs/adr"
STATUS = "- Status: accepted\n"
TEAM_RECORD = "# 0100 Use Redis for sessions\n\n- Status: accepted\n\n## Context\n\nSessions.\n"
TEAM_NOTE = "\n## Notes of the platform team\n\nOur edge also terminates TLS.\n"
TEAM_STATUS = "- Status: accepted, reviewed by the platform team\n"
TEMPLATE_STATUS = "- Status: accepted, revised in 2.0.0\n"
NEW_RECORD = "0007-health-endpoints.md"
TEAM_INDEX = "- [0100 Use Redis for sessions](0100-use-redis-for-sessions.md)\n"


def release_with_new_records(clone: Path) -> None:
    """2.0.0: record 0003 revised, record 0007 added to every repo and to the index."""
    replace_once(clone / "includes/adr/0003-one-image-for-every-environment.md",
                 STATUS, TEMPLATE_STATUS)  # fmt: skip
    (clone / "includes/adr" / NEW_RECORD).write_text(
        "# 0007 Health endpoints\n\n- Status: accepted\n\n## Context\n\nProbes.\n"
    )
    for kind in ("meta", "backend", "frontend"):
        (clone / f"template-{kind}" / ADR / f"{NEW_RECORD}.jinja").write_text(
            f'{{% include "includes/adr/{NEW_RECORD}" %}}'
        )
    entry = "- [0007 Health endpoints](0007-health-endpoints.md)\n"
    index = clone / "includes/adr/README.md"
    text = index.read_text()
    last = text.index("- [0006 ")
    end = text.index("\n", last) + 1
    index.write_text(text[:end] + entry + text[end:])
    commit_all(clone, "release 2.0.0")
    git(clone, "tag", "2.0.0")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    clone = snapshot_template(tmp_path_factory.mktemp("adr") / "polystack", "1.0.0")
    release_with_new_records(clone)
    return clone


def test_update_keeps_team_records_and_edits_and_brings_new_ones(
    template: Path, tmp_path: Path
) -> None:
    project = render(template, tmp_path / "api", {"template_kind": "backend"}, vcs_ref="1.0.0")
    adr = project / ADR
    (adr / "0100-use-redis-for-sessions.md").write_text(TEAM_RECORD)
    edge = adr / "0002-one-origin-behind-traefik.md"
    edge.write_text(edge.read_text() + TEAM_NOTE)
    replace_once(adr / "0003-one-image-for-every-environment.md", STATUS, TEAM_STATUS)
    replace_once(adr / "README.md", "Add yours here.\n", f"Add yours here.\n\n{TEAM_INDEX}")
    commit_all(project, "docs: the team's decisions")

    copier.run_update(project, defaults=True, unsafe=True, overwrite=True, quiet=True)

    assert answers(project)["_commit"] == "2.0.0"
    # The team's own record is untouched, their edit away from the release is kept...
    assert (adr / "0100-use-redis-for-sessions.md").read_text() == TEAM_RECORD
    assert edge.read_text().endswith(TEAM_NOTE)
    # ...and the clash with the release is reported with both sides, not overwritten.
    assert conflicts(project) == [f"{ADR}/0003-one-image-for-every-environment.md"]
    clash = (adr / "0003-one-image-for-every-environment.md").read_text()
    assert TEAM_STATUS in clash and TEMPLATE_STATUS in clash
    # The release's new record arrived, listed beside the team's.
    assert (adr / NEW_RECORD).read_text().startswith("# 0007 Health endpoints")
    index = (adr / "README.md").read_text()
    assert TEAM_INDEX in index and "(0007-health-endpoints.md)" in index
