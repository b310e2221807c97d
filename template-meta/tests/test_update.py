"""`update`: readiness, what is skipped, branches, messages and the summary (no Copier here;
tier 5 of the suite runs the real thing)."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ROOT, sh
from workspace import audit, update
from workspace.manifest import Manifest, WorkspaceError

MANIFEST = """\
project_slug: demo
services:
  - {name: api, kind: backend, port: 8000, route: /api, repo: x, ref: main}
"""
ANSWERS = "_commit: 1.0.0\n_src_path: /nowhere\nproject_slug: demo\n"


@pytest.fixture
def meta(make_repo: Callable[..., Path]) -> Path:
    return make_repo("meta", {"polystack.yml": MANIFEST, ".copier-answers.yml": ANSWERS,
                              ".gitignore": "/services/\n"})  # fmt: skip


def job(path: Path, name: str = ".", target: str = "1.0.0") -> update.Job:
    return update.job_for(name, path, {"project_slug": "demo"}, target)


def test_a_dirty_or_missing_repo_stops_everything(meta: Path) -> None:
    (meta / "polystack.yml").write_text(MANIFEST + "# wip\n")
    with pytest.raises(WorkspaceError, match=r"uncommitted changes in \."):
        update.ensure_ready([(".", meta)])
    with pytest.raises(WorkspaceError, match="make bootstrap"):
        update.ensure_ready([("api", meta / "services" / "api")])


def test_the_meta_repo_is_current_until_the_manifest_is_committed_again(meta: Path) -> None:
    assert update.is_current(job(meta))
    assert not update.is_current(job(meta, target="1.1.0"))
    (meta / "polystack.yml").write_text(MANIFEST.replace("8000", "8010"))
    sh(meta, "git", "commit", "-qam", "api on 8010")
    assert not update.is_current(job(meta))


def test_a_service_is_current_when_its_answers_match(
    make_repo: Callable[..., Path],
) -> None:
    repo = make_repo("api", {".copier-answers.yml": ANSWERS + "service_name: api\n"})
    assert update.is_current(job(repo, "api"))
    changed = update.Job("api", repo, {"project_slug": "other"}, "1.0.0", "1.0.0")
    assert not update.is_current(changed)


def test_branch_names_never_reuse_one(meta: Path) -> None:
    assert update.free_branch(meta, "2.0.0") == "polystack/update-2.0.0"
    sh(meta, "git", "branch", "polystack/update-2.0.0")
    assert update.free_branch(meta, "2.0.0") == "polystack/update-2.0.0-2"


def test_the_commit_message_lists_the_versions_crossed() -> None:
    outcome = update.Outcome("api", update.UPDATED, versions=["1.1.0", "2.0.0"],
                             notes={"1.1.0": "Adds X.", "2.0.0": ""})  # fmt: skip
    message = update.commit_message(outcome, "2.0.0")
    assert message.splitlines()[:3] == [
        "Update to Polystack 2.0.0", "", "Versions crossed: 1.1.0, 2.0.0",
    ]  # fmt: skip
    assert "Adds X." in message


def test_the_summary_names_files_reasons_and_next_steps() -> None:
    outcomes = [
        update.Outcome(".", update.UPDATED, ["polystack.yml"], "1.0.0 -> 2.0.0", ["2.0.0"],
                       {"2.0.0": "Moves a file."}, branch="polystack/update-2.0.0"),
        update.Outcome("api", update.CONFLICTS, ["Dockerfile"], "1.0.0 -> 2.0.0", ["2.0.0"],
                       conflicts=[audit.Conflict("ci.yml", "you deleted it", "+step\n")],
                       branch="polystack/update-2.0.0"),
        update.Outcome("web", update.FAILED, detail="Traceback\nValueError: bad"),
    ]  # fmt: skip
    text = update.report(outcomes)
    assert ".                        updated (1.0.0 -> 2.0.0, crosses 2.0.0)" in text
    assert "    ci.yml: you deleted it" in text
    assert "      +step" in text
    assert "    | ValueError: bad" in text
    assert "Moves a file." in update.release_notes(outcomes)
    steps = update.next_steps(outcomes)
    assert "git merge polystack/update-2.0.0" in steps
    assert "git -C services/api switch -f -" in steps


def test_an_interrupt_waits_for_the_step_at_hand() -> None:
    done = []

    def step() -> None:
        with update.interrupt_deferred():
            os.kill(os.getpid(), signal.SIGINT)
            done.append("finished")

    with pytest.raises(KeyboardInterrupt):
        step()
    assert done == ["finished"]


def test_this_repo_is_a_workspace() -> None:
    names = [name for name, _ in update.repos(Manifest.load(ROOT))]
    assert names[0] == "."
    assert len(names) == len(set(names))


@pytest.mark.parametrize(
    ("recorded", "expected"), [("jwt", "oidc"), ("oidc", "oidc"), ("none", None)]
)
def test_a_manifest_without_auth_takes_it_from_its_services(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], recorded: str, expected: str | None
) -> None:
    """A platform from before `auth` was shared keeps its sign-in through the update."""
    api = tmp_path / "services" / "api"
    api.mkdir(parents=True)
    (api / ".copier-answers.yml").write_text(ANSWERS + f"auth: {recorded}\n")
    manifest = Manifest(tmp_path, {"project_slug": "demo"})
    inferred = update.with_inferred_auth(manifest, [("api", api)])
    assert inferred.answers.get("auth") == expected
    printed = capsys.readouterr().out
    assert ("auth: oidc" in printed) == (expected is not None)
    chosen = Manifest(tmp_path, {"project_slug": "demo", "auth": "none"})
    assert update.with_inferred_auth(chosen, [("api", api)]) is chosen
