"""`manifest_comments`: the user's comments in polystack.yml survive its re-render, or are named."""

from __future__ import annotations

from workspace import manifest_comments

BASE = """\
# The manifest.
project_name: "Shop"
services:
  - name: "api"
    kind: "backend"
    port: 8000
  - name: "web"
    kind: "frontend"
    port: 3000
"""


def test_a_comment_line_is_told_from_text_that_holds_a_hash() -> None:
    assert manifest_comments.comment_of("  # owned by payments") == "# owned by payments"
    assert manifest_comments.comment_of("port: 8000  # fixed for the LB") == "# fixed for the LB"
    assert manifest_comments.comment_of('name: "a # b"') == ""
    assert manifest_comments.comment_of("repo: https://example.com/x#main") == ""


def test_comments_beside_the_values_the_update_changes_are_carried() -> None:
    mine = BASE.replace('  - name: "api"', '  # payments team\n  - name: "api"').replace(
        "port: 8000", "port: 8010"
    )
    theirs = BASE.replace("port: 8000", "port: 8010").replace(
        "# The manifest.", "# The manifest, reworded by a release."
    )
    kept, lost = manifest_comments.carry(BASE, mine, theirs)
    assert lost == []
    assert '  # payments team\n  - name: "api"' in kept
    assert "# The manifest, reworded by a release." in kept
    assert "port: 8010" in kept


def test_a_comment_on_a_line_the_render_rewrites_is_named() -> None:
    mine = BASE + "  - {name: jobs, kind: backend}  # nightly batch\n"
    theirs = BASE + '  - name: "jobs"\n    kind: "backend"\n    port: 8001\n'
    kept, lost = manifest_comments.carry(BASE, mine, theirs)
    assert kept == theirs
    assert lost == ["# nightly batch"]


def test_a_merge_that_would_change_the_rendered_values_is_not_kept() -> None:
    mine = BASE.replace("port: 3000", "port: 3001  # moved")
    theirs = BASE.replace("    port: 3000\n", "    port: 3002\n")
    kept, lost = manifest_comments.carry(BASE, mine, theirs)
    assert kept == theirs
    assert lost == ["# moved"]
