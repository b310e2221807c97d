"""A template history of three releases and a workspace rendered at the first, built once
per test session and copied for each scenario: the update tests' shared fixtures.

1.0.0 is the working tree plus a binary file and an executable script in the backend;
2.0.0 changes both service templates (`release.release_next`) and that binary and script;
3.0.0 changes the meta-repo. CHANGELOG.md has notes for 2.0.0 and 3.0.0.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from helpers import commit_all, git, render, run, snapshot_template
from release import release_next

LOGO = "template-backend/assets/logo.png"
SCRIPT = "template-backend/scripts/smoke.sh"
PNG = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(range(256))
META_DOC = "template-meta/docs/onboarding.md"
NOTES = {
    "2.0.0": "- Service repos: an audit CI job, SECURITY.md, docs/operations/.\n\n"
             "Manual steps: none.",
    "3.0.0": "- Meta-repo: docs/onboarding.md.\n\nBreaking changes: none.",
}  # fmt: skip


def add_notes(clone: Path, version: str) -> None:
    changelog = clone / "CHANGELOG.md"
    head, _, rest = changelog.read_text().partition("\n## ")
    changelog.write_text(f"{head}\n## {version}\n\n{NOTES[version]}\n\n## {rest}")


def build_suite(dest: Path) -> Path:
    clone = snapshot_template(dest, "1.0.0")
    (clone / LOGO).parent.mkdir(parents=True)
    (clone / LOGO).write_bytes(PNG)
    (clone / SCRIPT).parent.mkdir(parents=True)
    (clone / SCRIPT).write_text("#!/bin/sh\necho smoke\n")
    (clone / SCRIPT).chmod(0o755)
    commit_all(clone, "1.0.0 with a binary file and a script")
    git(clone, "tag", "-f", "1.0.0")

    (clone / LOGO).write_bytes(PNG + b"template 2.0.0")
    (clone / SCRIPT).write_text("#!/bin/sh\necho smoke 2.0.0\n")
    add_notes(clone, "2.0.0")
    release_next(clone, ["backend", "frontend"], "2.0.0")

    (clone / META_DOC).write_text("# Onboarding\n\nRun `make setup`.\n")
    add_notes(clone, "3.0.0")
    commit_all(clone, "release 3.0.0")
    git(clone, "tag", "3.0.0")
    return clone


def build_workspace(suite: Path, dest: Path) -> Path:
    return render(suite, dest, {"template_kind": "meta"}, vcs_ref="1.0.0")


def copy_workspace(pristine: Path, dest: Path) -> Path:
    shutil.copytree(pristine, dest, symlinks=True)
    return dest


def tool(root: Path, *args: str, tmp: Path, timeout: float = 1200) -> tuple[int, str]:
    """The command `make update` runs, with its temp files confined to `tmp`."""
    tmp.mkdir(exist_ok=True)
    proc = run([sys.executable, "tools/workspace", *args], cwd=root, check=False,
               timeout=timeout, env={"TMPDIR": str(tmp)})  # fmt: skip
    return proc.returncode, proc.stdout


def states(report: str, names: tuple[str, ...] = (".", "api", "web")) -> dict[str, str]:
    """{repo: state} from the summary's lines (`<repo>   <state> (...)`)."""
    found = {}
    for line in report.splitlines():
        name, _, rest = line.partition(" ")
        if name in names and rest.strip():
            found[name] = rest.strip().split(" (")[0].split(" on ")[0]
    return found


def snapshot(folder: Path) -> dict[str, tuple[int, int, bytes]]:
    """Every file under `folder`, .git included: mode, modification time and content."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            info = path.stat()
            found[str(path.relative_to(folder))] = (info.st_mode, info.st_mtime_ns,
                                                    path.read_bytes())  # fmt: skip
    return found


def leftovers(tmp: Path) -> list[str]:
    return sorted(os.listdir(tmp)) if tmp.exists() else []
