"""Tier 5 for a whole workspace: `make update` previews, lands each repo's update on its own
branch, keeps every edit and names every file where the template and the user's work meet,
follows the manifest, survives failures and interrupts, and skips what is current.

One workspace (a meta-repo, a backend `api`, a frontend `web`) is rendered at 1.0.0 once;
each scenario works on a copy. The repos cross 2.0.0 and 3.0.0 in one update.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from helpers import answers, commit_all, git, run
from release import SECURITY, TEMPLATE_LABEL
from workspaces import (
    LOGO,
    NOTES,
    PNG,
    SCRIPT,
    build_suite,
    build_workspace,
    copy_workspace,
    leftovers,
    snapshot,
    states,
    tool,
)

pytestmark = [pytest.mark.update, pytest.mark.xdist_group("update-workspace")]
BRANCH = "polystack/update-3.0.0"
LOGO_PATH = LOGO.removeprefix("template-backend/")
SCRIPT_PATH = SCRIPT.removeprefix("template-backend/")


@pytest.fixture(scope="module")
def suite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_suite(tmp_path_factory.mktemp("suite") / "polystack")


@pytest.fixture(scope="module")
def pristine(suite: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The workspace as rendered at 1.0.0, never changed: scenarios copy it."""
    root = build_workspace(suite, tmp_path_factory.mktemp("pristine") / "platform")
    for repo in (root, root / "services" / "api", root / "services" / "web"):
        assert answers(repo)["_commit"] == "1.0.0"
        assert git(repo, "status", "--porcelain") == ""
    return root


class Edited:
    """The workspace with a team's edits, previewed, then updated."""

    def __init__(self, root: Path, tmp: Path) -> None:
        self.root, self.tmp = root, tmp
        self.api, self.web = root / "services" / "api", root / "services" / "web"
        self.bases = {repo: git(repo, "rev-parse", "HEAD") for repo in self.repos}
        self.before = snapshot(root)
        self.preview_code, self.preview = tool(root, "update", "--dry-run", tmp=tmp)
        self.after_preview = snapshot(root)
        self.preview_leftovers = leftovers(tmp)
        self.code, self.report = tool(root, "update", tmp=tmp)

    @property
    def repos(self) -> tuple[Path, Path, Path]:
        return self.root, self.root / "services" / "api", self.root / "services" / "web"


@pytest.fixture(scope="module")
def edited(pristine: Path, tmp_path_factory: pytest.TempPathFactory) -> Edited:
    root = copy_workspace(pristine, tmp_path_factory.mktemp("edited") / "platform")
    api, web = root / "services" / "api", root / "services" / "web"
    readme = root / "README.md"
    readme.write_text(readme.read_text() + "\n## Team notes\n\nOn call: platform team.\n")
    commit_all(root, "team notes")
    git(api, "rm", "-q", ".github/workflows/ci.yml")  # the template changes it in 2.0.0
    git(api, "mv", "Dockerfile", "Containerfile")  # the template changes it in 2.0.0
    (api / LOGO_PATH).write_bytes(PNG + b"the team's logo")
    (api / SCRIPT_PATH).chmod(0o644)  # the team runs it with sh
    commit_all(api, "team changes")
    (web / ".editorconfig").write_text((web / ".editorconfig").read_text() + "# ours\n")
    deployment = web / "docs" / "deployment.md"  # 2.0.0 moves it to docs/operations/
    deployment.write_text(deployment.read_text() + "\n## Our clusters\n\neu-west.\n")
    (web / "docker").mkdir()
    git(web, "mv", "Dockerfile", "docker/Dockerfile")  # the template changes it in 2.0.0
    commit_all(web, "team changes")
    return Edited(root, tmp_path_factory.mktemp("edited-tmp"))


def section(report: str, repo: str) -> str:
    """The summary's lines of one repo."""
    lines, inside = [], False
    for line in report.splitlines():
        if line and not line.startswith(" "):
            inside = line.split(" ")[0] == repo and " " in line.strip()
        if inside:
            lines.append(line)
    return "\n".join(lines)


# --- preview ------------------------------------------------------------------------------


def test_preview_names_per_repo_what_would_change_conflict_and_the_versions(
    edited: Edited,
) -> None:
    assert edited.preview_code != 0, edited.preview
    assert states(edited.preview) == {
        ".": "would update", "api": "would conflict", "web": "would conflict",
    }, edited.preview  # fmt: skip
    assert "crosses 2.0.0, 3.0.0" in section(edited.preview, "api")
    assert "    docs/onboarding.md" in section(edited.preview, ".").splitlines()
    assert ".editorconfig: you edited it" in section(edited.preview, "web")


def test_preview_touches_nothing_and_leaves_no_temp_dir(edited: Edited) -> None:
    assert edited.after_preview == edited.before
    assert edited.preview_leftovers == []


def test_make_update_dry_maps_to_the_preview(pristine: Path) -> None:
    planned = run(["make", "-n", "update", "DRY=1"], cwd=pristine).stdout
    assert "tools/workspace update --dry-run" in planned
    assert "--dry-run" not in run(["make", "-n", "update"], cwd=pristine).stdout


# --- review on a branch -------------------------------------------------------------------


def test_a_clean_update_is_committed_on_its_branch_and_the_users_branch_stays(
    edited: Edited,
) -> None:
    root = edited.root
    assert states(edited.report)["."] == "updated", edited.report
    assert git(root, "branch", "--show-current") == "main"
    assert git(root, "rev-parse", "main") == edited.bases[root]
    assert git(root, "status", "--porcelain") == ""
    assert git(root, "rev-parse", f"{BRANCH}~1") == edited.bases[root]
    message = git(root, "log", "-1", "--format=%B", BRANCH)
    assert "Versions crossed: 2.0.0, 3.0.0" in message
    assert "docs/onboarding.md" in git(root, "show", "--name-only", "--format=", BRANCH)


def test_a_repo_is_updated_across_two_releases_at_once(edited: Edited) -> None:
    recorded = yaml.safe_load(git(edited.root, "show", f"{BRANCH}:.copier-answers.yml"))
    assert recorded["_commit"] == "3.0.0"
    assert answers(edited.web)["_commit"] == "3.0.0"  # on its branch, uncommitted
    assert (edited.web / "SECURITY.md").read_text() == SECURITY  # from 2.0.0


def test_release_notes_of_every_version_crossed_are_shown_per_repo(edited: Edited) -> None:
    for repo in (".", "api", "web"):
        for version, notes in NOTES.items():
            assert f"{repo}: release notes of {version}" in edited.report
            assert notes.splitlines()[0] in edited.report


def test_a_conflicted_repo_keeps_its_conflicts_uncommitted_on_its_branch(edited: Edited) -> None:
    web = edited.web
    assert states(edited.report)["web"] == "conflicts", edited.report
    assert git(web, "branch", "--show-current") == BRANCH
    assert git(web, "rev-parse", "HEAD") == git(web, "rev-parse", "main") == edited.bases[web]
    assert git(web, "status", "--porcelain")  # the update, for the user to resolve


def test_the_summary_says_how_to_review_merge_or_drop_each_branch(edited: Edited) -> None:
    assert f".: review `git log -p ..{BRANCH}`" in edited.report
    assert f"`git merge {BRANCH}`" in edited.report
    assert f"`git -C services/web branch -D {BRANCH}`" in edited.report


def test_the_exit_code_is_non_zero_when_a_repo_has_conflicts(edited: Edited) -> None:
    assert edited.code != 0


# --- no silent loss -----------------------------------------------------------------------


def test_an_edited_file_the_template_deletes_is_kept_and_named(edited: Edited) -> None:
    assert ".editorconfig: you edited it; the template deletes" in section(edited.report, "web")
    assert (edited.web / ".editorconfig").read_text().endswith("# ours\n")


def test_a_deleted_file_the_template_changes_is_named_with_the_templates_diff(
    edited: Edited,
) -> None:
    api = section(edited.report, "api")
    assert ".github/workflows/ci.yml: you deleted it; the template changes it" in api
    assert "+  audit:" in api
    assert not (edited.api / ".github/workflows/ci.yml").exists()


def test_a_renamed_file_the_template_changes_is_named_with_its_new_name(edited: Edited) -> None:
    api = section(edited.report, "api")
    assert "Dockerfile: you renamed it to Containerfile; the template changes it" in api
    assert f"+{TEMPLATE_LABEL}" in api
    assert not (edited.api / "Dockerfile").exists()
    assert TEMPLATE_LABEL not in (edited.api / "Containerfile").read_text()


def test_a_file_moved_to_another_folder_the_template_changes_is_named_with_where_it_went(
    edited: Edited,
) -> None:
    web = section(edited.report, "web")
    assert "    Dockerfile: you moved it to docker/Dockerfile; the template changes it" in web
    assert f"+{TEMPLATE_LABEL}" in web  # the template's diff, to apply by hand
    assert "Dockerfile: you moved it to docker/Dockerfile" in section(edited.preview, "web")
    assert not (edited.web / "Dockerfile").exists()
    moved = edited.web / "docker" / "Dockerfile"
    assert moved.read_text().rstrip("\n") == git(edited.web, "show", "main:docker/Dockerfile")
    assert TEMPLATE_LABEL not in moved.read_text()


def test_a_binary_file_both_changed_is_named_and_the_users_kept(edited: Edited) -> None:
    assert f"{LOGO_PATH}: binary file you changed" in section(edited.report, "api")
    assert (edited.api / LOGO_PATH).read_bytes() == PNG + b"the team's logo"


def test_permissions_the_user_set_are_kept(edited: Edited) -> None:
    script = edited.api / SCRIPT_PATH
    assert not script.stat().st_mode & stat.S_IXUSR
    assert "smoke 2.0.0" in script.read_text()  # the template's change merged in


def test_a_file_the_template_moves_carries_the_users_edits(edited: Edited) -> None:
    moved = edited.web / "docs" / "operations" / "deployment.md"
    assert moved.read_text().endswith("\n## Our clusters\n\neu-west.\n")
    assert not (edited.web / "docs" / "deployment.md").exists()
    assert "docs/deployment.md:" not in section(edited.report, "web")


def test_files_the_user_never_touched_follow_the_template_without_a_word(edited: Edited) -> None:
    api = section(edited.report, "api")
    assert "SECURITY.md:" not in api
    assert not (edited.api / ".editorconfig").exists()  # deleted by 2.0.0, untouched by the team
    assert (edited.api / "SECURITY.md").read_text() == SECURITY


# --- current repos, the check, the manifest -----------------------------------------------


@pytest.fixture(scope="module")
def current(pristine: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The workspace updated to 3.0.0 with every update branch merged."""
    root = copy_workspace(pristine, tmp_path_factory.mktemp("current") / "platform")
    code, report = tool(root, "update", tmp=tmp_path_factory.mktemp("current-tmp"))
    assert code == 0, report
    for repo in (root, root / "services" / "api", root / "services" / "web"):
        git(repo, "merge", "--quiet", "--ff-only", BRANCH)
    return root


def no_copier(tmp: Path) -> dict[str, str]:
    """A PYTHONPATH whose `copier` fails loudly, run or imported: proves a run never started
    Copier, in a process of its own or in the tool's."""
    fake = tmp / "fake" / "copier"
    fake.mkdir(parents=True, exist_ok=True)
    (fake / "__init__.py").write_text("raise SystemExit('copier was imported')\n")
    (fake / "__main__.py").write_text("raise SystemExit('copier was run')\n")
    return {"PYTHONPATH": str(fake.parent)}


def test_repos_at_the_newest_release_with_unchanged_answers_skip_copier(
    current: Path, tmp_path: Path
) -> None:
    proc = run([sys.executable, "tools/workspace", "update"], cwd=current, check=False,
               env={**no_copier(tmp_path), "TMPDIR": str(tmp_path)})  # fmt: skip
    assert proc.returncode == 0, proc.stdout
    assert states(proc.stdout) == {".": "already current", "api": "already current",
                                   "web": "already current"}, proc.stdout  # fmt: skip


def test_update_check_reads_versions_without_rendering(pristine: Path, tmp_path: Path) -> None:
    proc = run([sys.executable, "tools/workspace", "update", "--check"], cwd=pristine,
               check=False, env=no_copier(tmp_path))  # fmt: skip
    assert proc.returncode == 1, proc.stdout
    assert states(proc.stdout) == {".": "behind", "api": "behind", "web": "behind"}
    assert "1.0.0 -> 3.0.0, crosses 2.0.0, 3.0.0" in proc.stdout


def test_a_service_added_renamed_or_moved_in_the_manifest_reaches_every_repo(
    current: Path, tmp_path: Path
) -> None:
    root = copy_workspace(current, tmp_path / "platform")
    manifest = root / "polystack.yml"
    text = manifest.read_text()
    assert text.count("port: 8000") == 1
    text = text.replace("port: 8000", "port: 8010").replace("name: web", "name: site")
    assert text.count("  - name: api\n") == 1
    text = text.replace("  - name: api\n", "  # the payments team's\n  - name: api  # public\n")
    manifest.write_text(text + "  - {name: jobs, kind: backend}\n")
    commit_all(root, "jobs service, api on 8010, web renamed site")

    code, report = tool(root, "update", tmp=tmp_path / "tmp")

    names = (".", "api", "web", "site", "jobs")
    assert states(report, names) == {
        ".": "updated", "api": "updated", "site": "scaffolded", "jobs": "scaffolded",
        "web": "not in the manifest",
    }, report  # fmt: skip
    assert "rm -rf services/web" in report
    assert code == 0, report
    updated = git(root, "show", f"{BRANCH}-2:polystack.yml")
    assert "  # the payments team's\n  - name: api  # public\n" in updated  # comments kept
    resolved = yaml.safe_load(updated)
    jobs = next(s for s in resolved["services"] if s["name"] == "jobs")
    assert isinstance(jobs["port"], int)
    assert jobs["route"] == "/jobs"
    assert "EXPOSE 8010" in git(root / "services" / "api", "show", f"{BRANCH}-2:Dockerfile")
    for name in ("jobs", "site"):
        repo = root / "services" / name
        assert git(repo, "status", "--porcelain") == ""
        assert answers(repo)["_commit"] == "3.0.0"
    configmap = yaml.safe_load((root / "services/site/k8s/base/configmap.yaml").read_text())
    assert configmap["data"]["BACKEND_URL"] == "http://api:8010"


def test_a_route_changed_in_the_manifest_reaches_every_repo(current: Path, tmp_path: Path) -> None:
    root = copy_workspace(current, tmp_path / "platform")
    api, web = root / "services" / "api", root / "services" / "web"
    manifest = root / "polystack.yml"
    text = manifest.read_text()
    assert text.count("route: /api\n") == 1
    manifest.write_text(text.replace("route: /api\n", "route: /payments\n"))
    commit_all(root, "api served under /payments")

    code, report = tool(root, "update", tmp=tmp_path / "tmp")

    assert code == 0, report
    assert states(report) == {".": "updated", "api": "updated", "web": "updated"}, report
    branch = f"{BRANCH}-2"

    def show(repo: Path, path: str) -> str:
        return git(repo, "show", f"{branch}:{path}")

    routes = yaml.safe_load(show(root, "traefik/compose/dynamic/routes.yml"))["http"]
    assert routes["routers"]["api"]["rule"] == "Path(`/payments`) || PathPrefix(`/payments/`)"
    assert routes["services"]["api"]["loadBalancer"]["healthCheck"]["path"] == "/payments/healthz"
    native = yaml.safe_load(show(root, "traefik/native/dynamic.yml"))["http"]
    assert "PathPrefix(`/payments/`)" in native["routers"]["api"]["rule"]
    package = next(p for p in (api / "src").iterdir() if (p / "core" / "config.py").is_file())
    config = show(api, f"src/{package.name}/core/config.py")
    assert 'ROUTE_PREFIX = "/payments"' in config, config
    ingress = yaml.safe_load(show(api, "k8s/base/ingress.yaml"))
    assert ingress["spec"]["rules"][0]["http"]["paths"][0]["path"] == "/payments"
    assert 'export const API_PREFIX = "/payments";' in show(web, "lib/service.ts")
    assert '- "/payments"' in show(web, "compose.yaml")  # the mock API's prefix
    files = git(web, "ls-tree", "-r", "--name-only", branch, "app").splitlines()
    assert "app/payments/[[...path]]/route.ts" in files  # the proxy to the backend
    assert not [f for f in files if f.startswith("app/api/")]
    for repo in (root, api, web):
        assert git(repo, "branch", "--show-current") == "main"
        assert git(repo, "status", "--porcelain") == ""


# --- robust runs --------------------------------------------------------------------------


def test_one_repos_failure_does_not_stop_the_others(pristine: Path, tmp_path: Path) -> None:
    root = copy_workspace(pristine, tmp_path / "platform")
    web = root / "services" / "web"
    recorded = (web / ".copier-answers.yml").read_text()
    (web / ".copier-answers.yml").write_text(recorded.replace("_commit: 1.0.0", "_commit: 0.9.9"))
    commit_all(web, "an answers file pointing at no release")

    code, report = tool(root, "update", tmp=tmp_path / "tmp")

    assert code != 0
    assert states(report) == {".": "updated", "api": "updated", "web": "failed"}, report
    assert "    | " in section(report, "web")
    assert git(web, "branch", "--list", "polystack/*") == ""
    assert leftovers(tmp_path / "tmp") == []


def test_a_dirty_repo_stops_the_update_before_it_starts(pristine: Path, tmp_path: Path) -> None:
    root = copy_workspace(pristine, tmp_path / "platform")
    (root / "services" / "web" / "README.md").write_text("work in progress\n")
    code, report = tool(root, "update", tmp=tmp_path / "tmp")
    assert code != 0
    assert "uncommitted changes in web" in report
    assert git(root / "services" / "api", "branch", "--list", "polystack/*") == ""


def test_an_interrupt_leaves_each_repo_untouched_or_fully_updated_on_its_branch(
    pristine: Path, tmp_path: Path
) -> None:
    root = copy_workspace(pristine, tmp_path / "platform")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    repos = [root, root / "services" / "api", root / "services" / "web"]
    bases = {repo: git(repo, "rev-parse", "HEAD") for repo in repos}
    proc = subprocess.Popen(
        [sys.executable, "tools/workspace", "update"], cwd=root, start_new_session=True,
        env={**os.environ, "TMPDIR": str(tmp)}, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 300
    # Interrupt while the services are being updated, as Ctrl-C does: the whole group. The
    # api's clone is there as its update starts, which renders and runs Copier from then on.
    while not list(tmp.glob("polystack-update.*/api/repo/.copier-answers.yml")):
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()[0]
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)
    output = proc.communicate(timeout=300)[0]

    assert proc.returncode != 0, output
    for repo in repos:
        assert git(repo, "rev-parse", "HEAD") == bases[repo], output
        assert git(repo, "branch", "--show-current") == "main"
        assert git(repo, "status", "--porcelain") == ""
        if git(repo, "branch", "--list", BRANCH):
            recorded = yaml.safe_load(git(repo, "show", f"{BRANCH}:.copier-answers.yml"))
            assert recorded["_commit"] == "3.0.0"
    assert leftovers(tmp) == [], output


# --- the scheduled workflow's step --------------------------------------------------------


def update_here(repo: Path, tmp: Path) -> tuple[int, str, dict[str, str]]:
    tmp.mkdir(exist_ok=True)
    output = tmp / "github-output"
    output.write_text("")
    proc = run([sys.executable, str(repo.parent.parent / "tools" / "workspace")
                if repo.parent.name == "services" else "tools/workspace",
                "--root", str(repo), "update-here", "--body", str(tmp / "body.md"),
                "--output", str(output)], cwd=repo, check=False)  # fmt: skip
    values = dict(line.split("=", 1) for line in output.read_text().splitlines())
    return proc.returncode, proc.stdout, values


def test_the_scheduled_update_proposes_a_branch_with_notes_and_conflicts(
    edited: Edited, tmp_path: Path
) -> None:
    root = copy_workspace(edited.root, tmp_path / "platform")
    api = root / "services" / "api"
    git(api, "switch", "--quiet", "--force", "main")
    git(api, "clean", "-q", "-d", "--force")
    code, report, outputs = update_here(api, tmp_path / "tmp")
    assert code == 0, report
    assert outputs["title"] == "Update to Polystack 3.0.0"
    branch = outputs["branch"]
    assert branch == "polystack/update-3.0.0-2"  # the one `make update` made is taken
    assert git(api, "status", "--porcelain") == ""  # conflicts are committed, for review
    body = (tmp_path / "tmp" / "body.md").read_text()
    assert "Versions crossed: 2.0.0, 3.0.0." in body
    assert "`.github/workflows/ci.yml`: you deleted it" in body
    assert NOTES["3.0.0"].splitlines()[0] in body


def test_the_scheduled_update_opens_nothing_when_only_the_answers_file_would_change(
    suite: Path, current: Path, tmp_path: Path
) -> None:
    root = copy_workspace(current, tmp_path / "platform")
    doc = suite / "template-meta" / "docs" / "onboarding.md"
    doc.write_text(doc.read_text() + "\nAsk the platform team.\n")
    commit_all(suite, "3.0.1: the meta-repo's onboarding doc")
    git(suite, "tag", "3.0.1")
    try:
        api_code, api_report, api_outputs = update_here(root / "services" / "api", tmp_path / "a")
        meta_code, meta_report, meta_outputs = update_here(root, tmp_path / "m")
    finally:
        git(suite, "tag", "-d", "3.0.1")
        git(suite, "reset", "--quiet", "--hard", "HEAD~1")
    assert api_code == 0, api_report
    assert "only the answers file would change" in api_report
    assert api_outputs == {}
    assert git(root / "services" / "api", "branch", "--list", "polystack/update-3.0.1") == ""
    assert meta_code == 0, meta_report
    assert meta_outputs["branch"] == "polystack/update-3.0.1"
