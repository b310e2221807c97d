"""A folder's history out of a monorepo, made with git filter-repo.

The source is cloned once into a scratch folder and never modified; each service repo is
then written from that clone: exactly the commits that touched its folder, with the folder
as the new root and the original authors, dates and messages.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from workspace import gitrepo
from workspace.import_spec import WHOLE_REPO
from workspace.manifest import ANSWERS_FILE, WorkspaceError

CLONE_TIMEOUT = 600
BRANCH = "main"


@dataclass(frozen=True)
class Source:
    """A scratch clone of the source holding one branch, `main`, at the commit to import."""

    url: str
    ref: str
    commit: str
    clone: Path

    @property
    def short(self) -> str:
        return self.commit[:10]


def clone_source(url: str, ref: str | None, dest: Path) -> Source:
    """Clone `url` into `dest` (bare) and keep only `ref` (default: its HEAD) as `main`."""
    local = Path(url).expanduser()
    if local.exists():  # a path, relative to where the command runs
        url = str(local.resolve())
    try:
        gitrepo.git(
            dest.parent, "clone", "--bare", "--quiet", url, str(dest), timeout=CLONE_TIMEOUT
        )
    except WorkspaceError as error:
        raise WorkspaceError(
            f"SOURCE {url!r} is not a git repository that can be cloned ({error}): give the "
            "path of a local clone or a URL you can `git clone`"
        ) from None
    wanted = ref or "HEAD"
    commit = gitrepo.git(
        dest, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{wanted}^{{commit}}",
        check=False,
    ).strip()  # fmt: skip
    if not commit:
        raise WorkspaceError(
            f"REF {wanted!r} is not a branch, tag or commit of {url}: "
            f"pick one of its branches ({', '.join(branches(dest)) or 'none'}) or a tag"
        )
    # One branch, no tags: the service repo's history is that of this commit alone.
    refs = gitrepo.git(dest, "for-each-ref", "--format=delete %(refname)")
    run_stdin(dest, ["update-ref", "--stdin"], refs)
    gitrepo.git(dest, "update-ref", f"refs/heads/{BRANCH}", commit)
    gitrepo.git(dest, "symbolic-ref", "HEAD", f"refs/heads/{BRANCH}")
    return Source(url=url, ref=wanted, commit=commit, clone=dest)


def branches(clone: Path) -> list[str]:
    out = gitrepo.git(clone, "for-each-ref", "--format=%(refname:short)", "refs/heads")
    return out.split()[:10]


def run_stdin(repo: Path, args: list[str], text: str) -> None:
    proc = subprocess.run(
        ["git", *args], cwd=repo, input=text, text=True, capture_output=True, check=False,
        env=gitrepo.environment(),
    )  # fmt: skip
    if proc.returncode != 0:
        raise WorkspaceError(f"git {' '.join(args)} failed in {repo}: {proc.stderr.strip()}")


def object_type(source: Source, path: str) -> str:
    """'tree', 'blob'... of `path` at the commit, or '' when it is absent."""
    spec = f"{source.commit}:" if path == WHOLE_REPO else f"{source.commit}:{path}"
    return gitrepo.git(source.clone, "cat-file", "-t", spec, check=False).strip()


def folder_problem(source: Source, folder: str, who: str) -> str | None:
    """Why `folder` cannot be imported, or None."""
    kind = object_type(source, folder)
    if kind != "tree":
        top = gitrepo.git(source.clone, "ls-tree", "--name-only", "-d", source.commit).split()
        what = "is a file" if kind else "does not exist"
        return (
            f"{who}: dir {folder!r} {what} at {source.ref} ({source.short}) of {source.url}: "
            f"give a folder of it (at its top: {', '.join(top[:12]) or 'no folders'})"
        )
    answers = ANSWERS_FILE if folder == WHOLE_REPO else f"{folder}/{ANSWERS_FILE}"
    if object_type(source, answers):
        return (
            f"{who}: {answers} already exists in {source.url}: the folder was rendered from "
            "a Copier template already; remove that file on a branch and import from it (REF)"
        )
    return None


def extract(source: Source, folder: str, target: Path) -> int:
    """Write the history of `folder` into a new repo at `target`; returns its commit count."""
    target.mkdir(parents=True)
    gitrepo.git(target, "init", "--quiet", "-b", BRANCH)
    args = ["--source", str(source.clone), "--target", str(target), "--quiet"]
    if folder != WHOLE_REPO:
        args += ["--subdirectory-filter", folder]
    proc = subprocess.run(
        [sys.executable, "-m", "git_filter_repo", *args], cwd=target, text=True,
        capture_output=True, check=False, stdin=subprocess.DEVNULL, env=gitrepo.environment(),
    )  # fmt: skip
    if proc.returncode != 0:
        raise WorkspaceError(f"git filter-repo failed for {folder}: {proc.stderr.strip()}")
    if not gitrepo.has_commits(target):
        raise WorkspaceError(f"no commit of {source.url} touched {folder}")
    return int(gitrepo.git(target, "rev-list", "--count", "HEAD").strip())
