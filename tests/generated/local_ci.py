"""`make ci-local` of a generated repo: what act reads, and the fallback's Make targets.

act needs Docker, which this machine has not: act itself lists the jobs it would run (that
parses the workflows and .actrc), and the fallback must run exactly the Make targets the
pull-request workflows run, read from the workflows with a YAML parser.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from helpers import run, tool


def actrc(root: Path) -> dict[str, list[str]]:
    """The flags of .actrc: flag -> values, in order (act ignores lines without a dash)."""
    flags: dict[str, list[str]] = {}
    for line in (root / ".actrc").read_text().splitlines():
        if line.startswith("-"):
            flag, _, value = line.partition(" ")
            flags.setdefault(flag, []).append(value.strip())
    return flags


def pull_request_workflows(root: Path) -> list[dict[str, Any]]:
    workflows = []
    for path in sorted((root / ".github" / "workflows").glob("*.yml")):
        loaded = yaml.safe_load(path.read_text())
        triggers = loaded.get("on", loaded.get(True))  # YAML 1.1 reads a bare `on` as true
        if "pull_request" in (triggers if isinstance(triggers, (dict, list)) else [triggers]):
            workflows.append(loaded)
    return workflows


# Checks of a pull request's own commits against its base, which a local run has not: the
# fallback names them instead of running them.
NEEDS_A_BASE = ("commits-check",)


def workflow_make_targets(workflows: list[dict[str, Any]]) -> list[str]:
    """Every `make <target>` the workflows' steps run, once each, in the order they appear
    (but those that need the pull request's base)."""
    targets: list[str] = []
    for workflow in workflows:
        for job in workflow["jobs"].values():
            for step in job.get("steps", []):
                for line in step.get("run", "").splitlines():
                    words = line.split()
                    if words[:1] == ["make"]:
                        targets += [
                            w for w in words[1:]
                            if "=" not in w and w not in targets and w not in NEEDS_A_BASE
                        ]  # fmt: skip
    return targets


def fallback_targets(root: Path) -> list[str]:
    """The Make targets `make ci-local` runs without act, as make itself expands them."""
    printed = run(
        ["make", "-s", "--eval", "print-ci-targets: ; @echo $(CI_TARGETS)", "print-ci-targets"],
        cwd=root,
    ).stdout
    return printed.split()


def check_local_ci(root: Path) -> None:
    flags = actrc(root)
    workflows = pull_request_workflows(root)
    assert workflows, "no workflow runs on pull requests"
    platforms = dict(value.split("=", 1) for value in flags["-P"])
    labels = {job["runs-on"] for w in workflows for job in w["jobs"].values()}
    assert labels <= set(platforms), (
        f"runner labels without an act image: {labels - set(platforms)}"
    )
    (event,) = flags["--eventpath"]
    payload = json.loads((root / event).read_text())
    assert payload["pull_request"]["base"]["ref"] == "main"
    json.loads((root / ".github" / "act" / "push.json").read_text())
    listed = run([tool("act"), "--list", "pull_request"], cwd=root).stdout
    for workflow in workflows:
        for job_id in workflow["jobs"]:
            assert f" {job_id} " in listed, f"act does not list job {job_id}:\n{listed}"
    assert fallback_targets(root) == workflow_make_targets(workflows), (
        "CI_TARGETS in the Makefile must list the Make targets of the pull-request workflows"
    )
    assert "make ci-local" in (root / "README.md").read_text()
