"""What `copier update` left unresolved in a repo: it exits 0 even when it leaves conflicts."""

from __future__ import annotations

from pathlib import Path

from helpers import git

MARKERS = (b"<<<<<<< ", b">>>>>>> ")


def conflicts(repo: Path) -> list[str]:
    """Unmerged paths, `*.rej` files and files holding conflict markers, sorted."""
    found = set(git(repo, "diff", "--name-only", "--diff-filter=U").splitlines())
    listed = git(repo, "ls-files", "--cached", "--others", "--exclude-standard").splitlines()
    for name in listed:
        path = repo / name
        if name.endswith(".rej") or (
            path.is_file()
            and any(line.startswith(MARKERS) for line in path.read_bytes().splitlines())
        ):
            found.add(name)
    return sorted(found)
