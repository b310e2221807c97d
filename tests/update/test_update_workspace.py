"""Tier 5 for a whole workspace: the meta-repo's `make update` brings the meta-repo and every
service repo to the new release, keeps edits, reports conflicts, and carries changed shared
answers of the manifest into every repo."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from helpers import answers, commit_all, git, render, run, snapshot_template
from release import SECURITY, TEMPLATE_LABEL, USER_LABEL, insert_after_last, release_next

STATES = ("already current", "updated", "conflicts", "failed")
pytestmark = [pytest.mark.update, pytest.mark.xdist_group("update-workspace")]


@pytest.fixture(scope="module")
def suite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The suite at 1.0.0, and a 2.0.0 that changes both service templates."""
    clone = snapshot_template(tmp_path_factory.mktemp("suite") / "polystack", "1.0.0")
    release_next(clone, ["backend", "frontend"], "2.0.0")
    return clone


def workspace(suite: Path, dest: Path) -> Path:
    root = render(suite, dest, {"template_kind": "meta"}, vcs_ref="1.0.0")
    for repo in (root, root / "services" / "api", root / "services" / "web"):
        assert answers(repo)["_commit"] == "1.0.0"
        assert git(repo, "status", "--porcelain") == ""
    return root


def make_update(root: Path) -> tuple[int, str]:
    proc = run(["make", "update"], cwd=root, check=False, timeout=1200)
    return proc.returncode, proc.stdout


def states(report: str) -> dict[str, str]:
    """{repo: state} from `make update`'s report lines (`<repo>   <state>`)."""
    found = {}
    for line in report.splitlines():
        name, _, rest = line.partition(" ")
        if name in {".", "api", "web"} and rest.strip() in STATES:
            found[name] = rest.strip()
    return found


def commits(repo: Path) -> int:
    return int(git(repo, "rev-list", "--count", "HEAD"))


def test_update_all_keeps_edits_and_follows_the_manifest(suite: Path, tmp_path: Path) -> None:
    root = workspace(suite, tmp_path / "platform")
    api, web = root / "services" / "api", root / "services" / "web"
    note = "Team notes: the api is owned by the payments team."
    (api / "README.md").write_text((api / "README.md").read_text() + f"\n{note}\n")
    commit_all(api, "team notes")
    (web / ".env.example").write_text((web / ".env.example").read_text() + "\nFEATURE_X=on\n")
    commit_all(web, "feature flag")
    before = {repo: commits(repo) for repo in (root, api, web)}

    code, report = make_update(root)

    assert code == 0, report
    assert states(report) == {".": "updated", "api": "updated", "web": "updated"}, report
    for repo in (api, web):
        assert (repo / "SECURITY.md").read_text() == SECURITY
        assert answers(repo)["_commit"] == "2.0.0"
        assert TEMPLATE_LABEL in (repo / "Dockerfile").read_text()
    assert note in (api / "README.md").read_text()
    assert "FEATURE_X=on" in (web / ".env.example").read_text()
    # Nothing is committed: the team reviews the update first.
    assert {repo: commits(repo) for repo in (root, api, web)} == before
    for repo in (root, api, web):
        commit_all(repo, "update to 2.0.0")

    # A shared answer changed in the manifest reaches every repo that depends on it.
    manifest = root / "polystack.yml"
    text = manifest.read_text()
    assert text.count("domain: localhost") == 1
    assert text.count("port: 8000") == 1
    manifest.write_text(text.replace("domain: localhost", "domain: platform.example.com")
                        .replace("port: 8000", "port: 8010"))  # fmt: skip
    commit_all(root, "serve at platform.example.com; api on 8010")

    code, report = make_update(root)

    assert code == 0, report
    ingress = yaml.safe_load((api / "k8s" / "base" / "ingress.yaml").read_text())
    assert ingress["spec"]["rules"][0]["host"] == "platform.example.com"
    ingress = yaml.safe_load((web / "k8s" / "base" / "ingress.yaml").read_text())
    assert ingress["spec"]["rules"][0]["host"] == "platform.example.com"
    assert "EXPOSE 8010" in (api / "Dockerfile").read_text()
    configmap = yaml.safe_load((web / "k8s" / "base" / "configmap.yaml").read_text())
    assert configmap["data"]["BACKEND_URL"] == "http://api:8010"
    routes = yaml.safe_load((root / "traefik" / "native" / "dynamic.yml").read_text())
    servers = routes["http"]["services"]["api"]["loadBalancer"]["servers"]
    assert servers == [{"url": "http://127.0.0.1:8010"}]


def test_update_all_reports_conflicts_and_refuses_dirty_repos(suite: Path, tmp_path: Path) -> None:
    root = workspace(suite, tmp_path / "platform")
    api, web = root / "services" / "api", root / "services" / "web"
    insert_after_last(api / "Dockerfile", "FROM ", USER_LABEL)
    commit_all(api, "team label")

    (web / "README.md").write_text("work in progress\n")
    code, report = make_update(root)
    assert code != 0
    assert "uncommitted changes in web" in report
    assert answers(api)["_commit"] == "1.0.0"
    git(web, "checkout", "--", "README.md")

    code, report = make_update(root)

    assert code != 0, report
    assert states(report)["api"] == "conflicts", report
    assert "    Dockerfile" in report.splitlines()
    assert states(report)["web"] == "updated", report
    dockerfile = (api / "Dockerfile").read_text().splitlines()
    assert USER_LABEL in dockerfile
    assert TEMPLATE_LABEL in dockerfile
