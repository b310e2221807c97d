"""The few git queries and commands the workspace needs, on one repo at a time."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from workspace.manifest import WorkspaceError

FALLBACK_IDENTITY = ("Polystack", "polystack@localhost")
INITIAL_COMMIT = "Initial commit from Polystack"
CONFLICT_MARKERS = ("<<<<<<< ", ">>>>>>> ")
# Never wait for credentials: nothing here may prompt (CI has no terminal). Queries such as
# `git status` do not refresh the index either: a preview leaves the repo byte for byte as is.
NO_PROMPT = {
    "GIT_TERMINAL_PROMPT": "0", "GCM_INTERACTIVE": "never", "GIT_ASKPASS": "",
    "GIT_OPTIONAL_LOCKS": "0",
}  # fmt: skip


def environment() -> dict[str, str]:
    """The environment of every git run: this one's, never prompting."""
    return {**os.environ, **NO_PROMPT}


def git(
    repo: Path,
    *args: str,
    check: bool = True,
    timeout: float = 300,
    env: dict[str, str] | None = None,
) -> str:
    """Run git in `repo`. It runs in a session of its own: an interrupt (Ctrl-C reaches the
    whole foreground process group) is the tool's to handle, never cuts a git command short."""
    try:
        proc = subprocess.run(
            ["git", *args], cwd=repo, text=True, capture_output=True, check=False,
            stdin=subprocess.DEVNULL, timeout=timeout, start_new_session=True,
            env={**environment(), **(env or {})},
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        raise WorkspaceError(f"git {' '.join(args)} timed out after {timeout:.0f}s") from None
    if check and proc.returncode != 0:
        raise WorkspaceError(f"git {' '.join(args)} failed in {repo}: {proc.stderr.strip()}")
    return proc.stdout if proc.returncode == 0 else ""


def is_repo(path: Path) -> bool:
    return (path / ".git").exists()


def has_commits(repo: Path) -> bool:
    return bool(git(repo, "rev-parse", "--verify", "--quiet", "HEAD", check=False).strip())


def _status_entries(repo: Path, *, ignored: bool) -> list[tuple[str, str]]:
    """(code, path) of every path `git status` reports (ignored ones on demand, as `!!`)."""
    extra = ["--ignored"] if ignored else []
    out = git(repo, "status", "--porcelain", "-z", "--untracked-files=all", *extra)
    fields = iter(out.split("\0"))
    entries = []
    for field in fields:
        if not field:
            continue
        entries.append((field[:2], field[3:]))
        if field[0] in "RC":  # a rename or copy is followed by its source path
            next(fields, None)
    return entries


def changed_paths(repo: Path, *, ignored: bool = False) -> list[str]:
    """Paths `git status` reports (modified, staged, untracked, unmerged; ignored on demand)."""
    return [path for _, path in _status_entries(repo, ignored=ignored)]


def identity_args(repo: Path) -> list[str]:
    """`-c user.*` options only when git has no identity configured."""
    known = all(
        git(repo, "var", ident, check=False)
        for ident in ("GIT_AUTHOR_IDENT", "GIT_COMMITTER_IDENT")
    )
    name, email = FALLBACK_IDENTITY
    return [] if known else ["-c", f"user.name={name}", "-c", f"user.email={email}"]


def commit_all(
    repo: Path, message: str, identity: Callable[[Path], list[str]] = identity_args
) -> None:
    """Init `repo` if needed (branch main) and commit every file in it; `identity` gives
    the `-c user.*` options (it is asked once the repo exists)."""
    if not is_repo(repo):
        git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, *identity(repo), "commit", "-q", "--no-verify", "-m", message)


@dataclass(frozen=True)
class RepoState:
    branch: str
    changed: int
    ahead: int | None
    behind: int | None


def state(repo: Path) -> RepoState:
    branch = git(repo, "branch", "--show-current").strip() or "(detached)"
    counts = git(repo, "rev-list", "--left-right", "--count", "HEAD...@{upstream}", check=False)
    ahead = behind = None
    if counts.strip():
        ahead, behind = (int(n) for n in counts.split())
    return RepoState(branch=branch, changed=len(changed_paths(repo)), ahead=ahead, behind=behind)


UNMERGED = {"DD", "AU", "UD", "UA", "DU", "AA", "UU"}  # `git status` codes of unmerged paths


@dataclass(frozen=True)
class Status:
    """What one `git status` tells after an update."""

    changed: list[str]  # as `changed_paths` lists them
    conflicted: list[str]  # as `conflicted_files` lists them


def status(repo: Path) -> Status:
    """The changed and the conflicted files of `repo`, from one `git status`."""
    entries = _status_entries(repo, ignored=True)
    changed = [path for code, path in entries if code != "!!"]
    found = {path for code, path in entries if code in UNMERGED or path.endswith(".rej")}
    found.update(p for p in changed if (repo / p).is_file() and _has_markers(repo / p))
    return Status(changed, sorted(found))


def conflicted_files(repo: Path) -> list[str]:
    """Files an update left unresolved: unmerged paths, `*.rej` files, conflict markers."""
    return status(repo).conflicted


def _has_markers(path: Path) -> bool:
    try:
        with path.open(encoding="utf-8", errors="replace") as lines:
            return any(line.startswith(CONFLICT_MARKERS) for line in lines)
    except OSError:
        return False
