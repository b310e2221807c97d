"""What the benchmark scripts share: the machine's load, a scratch folder, a rendered repo
(of this checkout, or of the suite's last release)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from demo import ROOT, git, snapshot

sys.path.insert(0, str(ROOT / "template-meta" / "tools"))

from workspace import releases
from workspace.manifest import WorkspaceError


def load() -> str:
    """The load averages: every wall-clock figure depends on them."""
    return " ".join(f"{n:.2f}" for n in os.getloadavg())


@contextmanager
def scratch(keep: Path | None) -> Iterator[Path]:
    """A folder to work in, removed afterwards unless the user asked to keep it."""
    base = keep or Path(tempfile.mkdtemp(prefix="polystack-bench."))
    base.mkdir(parents=True, exist_ok=True)
    try:
        yield base
    finally:
        if keep is None:
            shutil.rmtree(base, ignore_errors=True)


def copy(template: Path, ref: str, kind: str, project: Path) -> None:
    subprocess.run([sys.executable, "-m", "copier", "copy", "--trust", "--defaults", "--quiet",
                    "--vcs-ref", ref, "-d", f"template_kind={kind}", str(template),
                    str(project)], check=True)  # fmt: skip


def render_kind(base: Path, kind: str, name: str) -> Path:
    """One repo of `kind` with the defaults, rendered from this checkout as it is."""
    template = snapshot(base / "template")
    project = base / name
    copy(template, "HEAD", kind, project)
    return project


def last_release(text: str) -> tuple[str, str]:
    """The newest release (PEP 440 order) a releases file records: its version and commit."""
    try:
        recorded = releases.recorded_releases(text)
    except KeyError as missing:
        raise SystemExit(f"{releases.RELEASES_FILE}: an entry has no {missing}") from None
    except (WorkspaceError, TypeError, ValueError) as error:
        raise SystemExit(f"{releases.RELEASES_FILE} is not a list of {{version, commit}}: "
                         f"{error}") from None  # fmt: skip
    newest = releases.sorted_versions(list(recorded))
    if not newest:
        raise SystemExit(f"{releases.RELEASES_FILE} records no release")
    return newest[-1], recorded[newest[-1]]


def render_release(base: Path, kind: str, name: str) -> tuple[str, Path]:
    """One repo of `kind` with the defaults, rendered from the last release `releases.yml` of
    this checkout records: its tag is rebuilt in a scratch clone, since tags do not travel
    with every clone. Returns the version and the repo."""
    version, commit = last_release((ROOT / releases.RELEASES_FILE).read_text())
    source = base / "release-source"
    git(ROOT, "clone", "--quiet", "--no-checkout", str(ROOT), str(source))
    found = subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"{commit}^{{commit}}"],
                           cwd=source, capture_output=True, text=True, check=False)  # fmt: skip
    if found.returncode != 0:
        raise SystemExit(f"release {version}: its commit {commit} is not in this history "
                         "(a shallow or squashed clone?)")  # fmt: skip
    git(source, "tag", "--force", version, commit)
    project = base / name
    try:
        copy(source, version, kind, project)
    except subprocess.CalledProcessError as error:
        raise SystemExit(f"release {version} ({commit}) did not render: {error}") from None
    return version, project
