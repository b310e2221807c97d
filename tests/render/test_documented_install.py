"""Tier 2: the documented install is the tested install.

Copier is installed exactly as docs/getting-started.md says, into a folder of its own, and
renders a whole workspace (the meta-repo scaffolds its services in Copier's own Python)
from an absolute, a relative and a `~` template path; later updates find the template
again. Nothing of the suite's own environment is on PATH.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from helpers import GIT_ENV, answers, commit_all, git, snapshot_template, tool

pytestmark = [pytest.mark.render, pytest.mark.xdist_group("documented-install")]

DOCUMENTED = ("tool", "install", "copier", "--with", "copier-template-extensions")
TIMEOUT = 900


@dataclass(frozen=True)
class Copier:
    """The documented install: its `copier` command and the Python it runs in."""

    command: Path
    python: Path
    env: dict[str, str]

    def run(self, args: Sequence[str | Path], cwd: Path, env: dict[str, str] | None = None) -> str:
        proc = subprocess.run(
            [str(part) for part in args], cwd=cwd, env={**self.env, **(env or {})}, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            timeout=TIMEOUT, check=False,
        )  # fmt: skip
        assert proc.returncode == 0, f"{' '.join(map(str, args))} in {cwd}:\n{proc.stdout}"
        return proc.stdout

    def copy(self, source: str, dest: str, cwd: Path, *data: str, **env: str) -> str:
        flags = [arg for item in data for arg in ("-d", item)]
        return self.run([self.command, "copy", "--trust", "--defaults", *flags, source, dest],
                        cwd, env)  # fmt: skip


@pytest.fixture(scope="module")
def documented(tmp_path_factory: pytest.TempPathFactory) -> Copier:
    """`uv tool install copier --with copier-template-extensions`, in a folder of its own;
    from uv's cache when it holds the packages (offline), from the index otherwise."""
    base = tmp_path_factory.mktemp("uv-tool")
    private = {"VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "UV_PROJECT_ENVIRONMENT"}
    env = {k: v for k, v in os.environ.items() if k not in private}
    env |= {"UV_TOOL_DIR": str(base / "tools"), "UV_TOOL_BIN_DIR": str(base / "bin"),
            "UV_PYTHON_DOWNLOADS": "never", "UV_NO_PROGRESS": "1"}  # fmt: skip
    uv = tool("uv")
    install = [uv, *DOCUMENTED]
    offline = subprocess.run([*install, "--offline"], env=env, capture_output=True, check=False)
    if offline.returncode != 0:
        subprocess.run(install, env=env, capture_output=True, check=True, timeout=TIMEOUT)
    # The suite's own tools stay out of reach: only Copier's folder and the system's.
    system = os.pathsep.join(sorted({str(Path(shutil.which(n) or "/usr/bin/x").parent)
                                     for n in ("git", "sh")}))  # fmt: skip
    path = os.pathsep.join([str(base / "bin"), system])
    run_env = {"PATH": path, "HOME": env.get("HOME", str(base)), "LANG": "C.UTF-8", **GIT_ENV}
    python = next((base / "tools" / "copier" / "bin").glob("python"))
    return Copier(command=base / "bin" / "copier", python=python, env=run_env)


@pytest.fixture(scope="module")
def suite_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The suite as a tagged git repo (1.0.0) that each test clones where it needs it."""
    return snapshot_template(tmp_path_factory.mktemp("documented") / "polystack")


def clone(repo: Path, dest: Path) -> Path:
    git(dest.parent, "clone", "-q", str(repo), dest.name)
    git(dest, "fetch", "-q", "--tags")
    return dest


def release(template: Path, tag: str, line: str) -> None:
    """A new template version that adds `line` to every kind's README."""
    for kind in ("meta", "backend", "frontend"):
        readme = template / f"template-{kind}" / "README.md.jinja"
        readme.write_text(readme.read_text() + f"\n{line}\n")
    commit_all(template, f"template {tag}")
    git(template, "tag", tag)


def assert_workspace(platform: Path, source: str) -> None:
    """The meta-repo and each service of its manifest, each a git repo with one commit, all
    recording where the template came from."""
    services = [s["name"] for s in answers(platform)["services"]]
    assert services == ["api", "web"]
    for repo in [platform, *(platform / "services" / name for name in services)]:
        assert git(repo, "rev-list", "--count", "HEAD") == "1", repo
        assert answers(repo)["_src_path"] == source, repo
    assert answers(platform / "services" / "web")["template_kind"] == "frontend"


def test_copier_s_own_environment_has_nothing_more(documented: Copier) -> None:
    """What makes the renders below meaningful: native mode's honcho is not there."""
    proc = subprocess.run(
        [documented.python, "-c", "import honcho"], capture_output=True, check=False
    )
    assert proc.returncode != 0
    assert b"No module named 'honcho'" in proc.stderr


def test_a_workspace_renders_from_an_absolute_path(
    documented: Copier, suite_repo: Path, tmp_path: Path
) -> None:
    out = documented.copy(str(suite_repo), "my-platform", tmp_path)
    assert "Traceback" not in out, out
    assert_workspace(tmp_path / "my-platform", str(suite_repo))


def test_a_workspace_from_a_relative_path_renders_and_updates(
    documented: Copier, suite_repo: Path, tmp_path: Path
) -> None:
    template = clone(suite_repo, tmp_path / "polystack")
    documented.copy("./polystack", "my-platform", tmp_path)
    platform = tmp_path / "my-platform"
    assert_workspace(platform, str(template))
    release(template, "1.0.1", "Released as 1.0.1.")
    # The meta-repo's own update of every repo, run by Copier's Python from inside the repo.
    documented.run([documented.python, "tools/workspace", "update"], platform)
    # Each repo's update waits for review on its own branch; the checked-out branch is as it was.
    branch = "polystack/update-1.0.1"
    for repo in (platform, platform / "services" / "api", platform / "services" / "web"):
        assert answers(repo)["_commit"] == "1.0.0", repo
        recorded = yaml.safe_load(git(repo, "show", f"{branch}:.copier-answers.yml"))
        assert recorded["_commit"] == "1.0.1", repo
        assert "Released as 1.0.1." in git(repo, "show", f"{branch}:README.md"), repo


def test_a_home_relative_path_renders_and_updates(
    documented: Copier, suite_repo: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    template = clone(suite_repo, home / "polystack")
    documented.copy("~/polystack", "billing", tmp_path, "template_kind=backend", HOME=str(home))
    repo = tmp_path / "billing"
    assert answers(repo)["_src_path"] == "~/polystack"
    release(template, "1.0.1", "Released as 1.0.1.")
    documented.run([documented.command, "update", "--trust", "--defaults"], repo,
                   {"HOME": str(home)})  # fmt: skip
    assert answers(repo)["_commit"] == "1.0.1"
    assert "Released as 1.0.1." in (repo / "README.md").read_text()
