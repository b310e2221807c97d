"""Tier 2: the files a team works with agree with the manifest and with the repo itself.

CODEOWNERS gives every file to its owners in the manifest (read by a CODEOWNERS parser);
the commands, layout and ignore rules that README.md and AGENTS.md state hold in the repo.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from codeowners import CodeOwners

from guide import guide
from helpers import render, run
from model import build_suite

pytestmark = pytest.mark.render

OWNED = [
    {"name": "api", "kind": "backend", "route": "/api", "owners": ["@acme/payments", "@octocat"]},
    {"name": "web", "kind": "frontend", "route": "/", "owners": ["@acme/web"]},
    {"name": "jobs", "kind": "backend"},
]
REPOS = {"meta": {}, "backend": {"service_name": "api"}, "frontend": {"service_name": "web"},
         "unowned": {"service_name": "jobs"}}  # fmt: skip


@pytest.fixture(scope="module")
def repos(template: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The meta-repo and three service repos of one manifest with owners, each a git repo."""
    rendered = {}
    for name, data in REPOS.items():
        kind = "backend" if name == "unowned" else name
        answers = {"template_kind": kind, "services": OWNED, **data}
        out = render(template, tmp_path_factory.mktemp(name) / "repo", answers, skip_tasks=True)
        run(["git", "init", "-q"], cwd=out)
        rendered[name] = out
    return rendered


def tracked(repo: Path) -> list[str]:
    run(["git", "add", "-A"], cwd=repo)
    return run(["git", "ls-files"], cwd=repo).stdout.split()


def owner_kind(owner: str) -> tuple[str, str]:
    return ("TEAM" if "/" in owner else "USERNAME", owner)


@pytest.mark.parametrize("name", sorted(REPOS))
def test_codeowners_gives_every_file_to_its_owners(repos: dict[str, Path], name: str) -> None:
    suite = build_suite(project_name="p", project_slug="p", organization="acme", services=OWNED)
    owners = suite.owners if name == "meta" else suite.service(REPOS[name]["service_name"]).owners
    rules = CodeOwners((repos[name] / ".github/CODEOWNERS").read_text())
    files = tracked(repos[name])
    assert len(files) > 20
    for path in files:
        assert rules.of(path) == [owner_kind(o) for o in owners], path
    assert bool(owners) is (name != "unowned")


def make_targets(repo: Path) -> set[str]:
    listed = run(["make", "--no-print-directory", "help"], cwd=repo).stdout
    return set(re.findall(r"^\s+([a-z][-a-z0-9]*)\s", listed, re.MULTILINE))


@pytest.mark.parametrize("name", ["meta", "backend", "frontend"])
def test_readme_and_agents_state_the_facts_of_the_repo(repos: dict[str, Path], name: str) -> None:
    repo = repos[name]
    facts = guide(name, "api" if name == "backend" else "")
    readme = (repo / "README.md").read_text()
    agents = (repo / "AGENTS.md").read_text()
    targets = make_targets(repo)
    for command in facts.commands:
        assert set(command.names) <= targets, f"{command.names} missing from `make help`"
        assert f"| {command.usage.replace('|', chr(92) + '|')} | {command.does} |" in readme
        assert f"- {command.usage}: {command.does}" in agents
    for path, what in facts.layout:
        assert f"- `{path}`: {what}" in agents
        if path != "services/":  # filled by `make bootstrap`
            assert (repo / path).exists(), f"AGENTS.md names a missing {path}"
    ignored: list[Any] = []
    for path, why in facts.never_commit:
        assert f"- `{path}`: {why}" in agents
        probe = run(["git", "check-ignore", "-q", "--no-index", path], cwd=repo, check=False)
        ignored.append((path, probe.returncode == 0))
    assert all(is_ignored for _, is_ignored in ignored), ignored
    assert f"`{facts.check}`" in (repo / "CONTRIBUTING.md").read_text()
