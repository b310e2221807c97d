"""Copy task: make the freshly rendered repo a git repo whose first commit holds every file.

Run by Copier (`_tasks` in copier.yml) in the destination, once, on copy. It does nothing
when the destination already belongs to a git work tree (a repo the user renders into),
unless that work tree ignores it (a service under a meta-repo's git-ignored `services/`).
Commits work without a configured git identity: a neutral one is used only then.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

FALLBACK_IDENTITY = ("Polystack", "polystack@localhost")
MESSAGE = "Initial commit from Polystack"


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, text=True, capture_output=True, check=False)


def belongs_to_work_tree(path: Path) -> bool:
    inside = _git(path, "rev-parse", "--is-inside-work-tree").stdout.strip() == "true"
    return inside and _git(path, "check-ignore", "-q", str(path)).returncode != 0


def knows_identity(path: Path) -> bool:
    return all(
        _git(path, "var", ident).returncode == 0
        for ident in ("GIT_AUTHOR_IDENT", "GIT_COMMITTER_IDENT")
    )


def _failed(path: Path, args: list[str], result: subprocess.CompletedProcess[str]) -> SystemExit:
    return SystemExit(f"git {' '.join(args)} failed in {path}:\n{result.stderr}")


def _step(path: Path, args: list[str]) -> None:
    result = _git(path, *args)
    if result.returncode != 0:
        raise _failed(path, args, result)


def initial_commit(path: Path) -> bool:
    """Init `path` on branch main and commit everything; False when it was left alone.

    Three git runs as a rule: git is asked about its identity only when the commit fails."""
    if (path / ".git").exists() or belongs_to_work_tree(path):
        return False
    _step(path, ["init", "-q", "-b", "main"])
    _step(path, ["add", "-A"])
    commit = ["commit", "-q", "--no-verify", "-m", MESSAGE]
    result = _git(path, *commit)
    if result.returncode != 0:
        if knows_identity(path):
            raise _failed(path, commit, result)
        name, email = FALLBACK_IDENTITY
        _step(path, ["-c", f"user.name={name}", "-c", f"user.email={email}", *commit])
    return True


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    if initial_commit(target):
        print(f"initialised a git repo with a first commit in {target}")
