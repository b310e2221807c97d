"""Where a template change and the user's work meet in ways `copier update` settles silently.

Copier merges text edits with the template's changes and marks the overlaps, but it deletes
a file the template dropped even when the user edited it, leaves a file the user deleted or
renamed without saying that the template changed it, and treats binary files and file modes
like any other change. Given the old release rendered with the repo's answers (what the user
started from), the repo before the update and the repo after it, these checks put the user's
version back and say why.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from workspace import gitrepo

ANSWERS_FILE = ".copier-answers.yml"
BINARY_SNIFF = 8000  # git's own heuristic: a NUL byte in the first 8000 bytes


@dataclass(frozen=True)
class Entry:
    mode: str
    sha: str


@dataclass(frozen=True)
class Conflict:
    path: str
    reason: str
    diff: str = ""


Tree = dict[str, Entry]


def blob(repo: Path, sha: str) -> bytes:
    return subprocess.run(
        ["git", "cat-file", "blob", sha], cwd=repo, capture_output=True, check=True,
        stdin=subprocess.DEVNULL,
    ).stdout  # fmt: skip


def blobs(repo: Path, shas: set[str]) -> dict[str, bytes]:
    """{sha: content} of many blobs, read by one `git cat-file --batch`."""
    if not shas:
        return {}
    order = sorted(shas)
    out = subprocess.run(
        ["git", "cat-file", "--batch"], cwd=repo, capture_output=True, check=True,
        input="".join(f"{sha}\n" for sha in order).encode(),
    ).stdout  # fmt: skip
    found, at = {}, 0
    for sha in order:  # each: `<sha> <type> <size>\n<content>\n`
        header_end = out.index(b"\n", at)
        size = int(out[at:header_end].split()[2])
        found[sha] = out[header_end + 1 : header_end + 1 + size]
        at = header_end + 1 + size + 1
    return found


def entries(repo: Path, tree: str) -> Tree:
    """{path: mode and blob} of every file in a tree object."""
    return parse_entries(gitrepo.git(repo, "ls-tree", "-r", "-z", tree), 2)


def parse_entries(listing: str, sha_field: int) -> Tree:
    """{path: mode and blob} from NUL-separated `<mode> ...<TAB><path>` lines holding the blob
    in field `sha_field`: 2 for `git ls-tree` (`mode type sha`), 1 for `git ls-files --stage`
    (`mode sha stage`)."""
    found = {}
    for line in listing.split("\0"):
        if line:
            info, path = line.split("\t", 1)
            fields = info.split()
            found[path] = Entry(fields[0], fields[sha_field])
    return found


def files_of(repo: Path, folder: Path) -> Tree:
    """{path: mode and blob} of a folder's files, written into `repo`'s objects."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
        base = ["--git-dir", str(repo / ".git"), "--work-tree", str(folder)]
        gitrepo.git(repo, *base, "add", "--all", "--force", ".", env=env)
        listing = gitrepo.git(repo, *base, "ls-files", "--stage", "-z", env=env)
        return parse_entries(listing, 1)


def tree_of(repo: Path, folder: Path) -> str:
    """The tree object of a folder's files, written into `repo`'s objects (a private index)."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
        base = ["--git-dir", str(repo / ".git"), "--work-tree", str(folder)]
        gitrepo.git(repo, *base, "add", "--all", "--force", ".", env=env)
        return gitrepo.git(repo, *base, "write-tree", env=env).strip()


def is_binary(data: bytes) -> bool:
    return b"\0" in data[:BINARY_SNIFF]


def renames(repo: Path, old_tree: str, new_tree: str) -> dict[str, str]:
    """{old path: new path} of the files git sees as renamed between two trees."""
    out = gitrepo.git(repo, "diff-tree", "-r", "-z", "-M", "--diff-filter=R", "--name-status",
                      old_tree, new_tree)  # fmt: skip
    fields = [f for f in out.split("\0") if f]
    return {fields[i + 1]: fields[i + 2] for i in range(0, len(fields) - 2, 3)}


def template_diff(repo: Path, path: str, old: Entry, new: Entry) -> str:
    out = gitrepo.git(repo, "diff", "--no-color", old.sha, new.sha, check=False)
    header, _, body = out.partition("\n@@")
    return f"--- a/{path}\n+++ b/{path}\n@@{body}" if body else header


def restore(repo: Path, path: str, entry: Entry) -> None:
    target = repo / path
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.is_symlink() or target.exists():
        target.unlink()
    data = blob(repo, entry.sha)
    if entry.mode == "120000":
        os.symlink(data.decode(), target)
        return
    target.write_bytes(data)
    target.chmod(0o755 if entry.mode == "100755" else 0o644)


def to_put_back(repo: Path, old: Tree, before: Tree) -> dict[str, Entry]:
    """Files to reset to the old release before updating, so the update shows the template's
    change to them: the ones the user deleted, and binary ones the user changed (Copier
    cannot merge those and would keep one side without a word)."""
    changed = {path: mine for path, base in old.items()
               if (mine := before.get(path)) is not None and mine.sha != base.sha}  # fmt: skip
    contents = blobs(repo, {mine.sha for mine in changed.values()})
    found = {}
    for path, base in old.items():
        mine = before.get(path)
        if path == ANSWERS_FILE or mine == base:
            continue
        if mine is None or (path in changed and is_binary(contents[mine.sha])):
            found[path] = base
    return found


def check(
    repo: Path, old: Tree, before: Tree, old_tree: str, before_tree: str, put_back: set[str]
) -> list[Conflict]:
    """Conflicts the update of `repo` hid; mends its work tree so the user's version stays.

    `old` is the previous release as rendered with the repo's answers, `before` the repo's
    HEAD before the update, `put_back` the files reset to `old` before the update ran.
    """
    after = files_of(repo, repo)
    gone = any(path not in before for path in old if path != ANSWERS_FILE)
    moved = renames(repo, old_tree, before_tree) if gone else {}
    arrived = {entry.sha for path, entry in after.items() if path not in before}
    found: list[Conflict] = []
    for path in sorted(old):
        if path == ANSWERS_FILE:
            continue
        mine, base, theirs = before.get(path), old[path], after.get(path)
        if mine is None:
            found.extend(_deleted_or_renamed(repo, path, base, theirs, moved.get(path)))
        elif path in put_back:
            found.extend(_binary(repo, path, mine, base, theirs))
        elif mine != base:
            found.extend(_edited(repo, path, mine, base, theirs, arrived))
    return found


def _deleted_or_renamed(
    repo: Path, path: str, base: Entry, theirs: Entry | None, renamed_to: str | None
) -> list[Conflict]:
    (repo / path).unlink(missing_ok=True)  # the user's version: no file here
    if theirs is None or theirs.sha == base.sha:
        return []  # the template left it alone, or deleted it too
    yours = where_it_went(path, renamed_to)
    return [
        Conflict(
            path,
            f"{yours}; the template changes it: apply its change by hand if you want it",
            template_diff(repo, path, base, theirs),
        )
    ]


def where_it_went(path: str, renamed_to: str | None) -> str:
    """What the user did with a file the template still has: deleted, renamed in its folder
    or moved to another one."""
    if renamed_to is None:
        return "you deleted it"
    same_folder = os.path.dirname(renamed_to) == os.path.dirname(path)
    return f"you {'renamed' if same_folder else 'moved'} it to {renamed_to}"


def _binary(
    repo: Path, path: str, mine: Entry, base: Entry, theirs: Entry | None
) -> list[Conflict]:
    restore(repo, path, mine)
    if theirs is not None and theirs.sha == base.sha:
        return []  # the template left it alone: the user's version simply stays
    what = "deletes it" if theirs is None else "changes it too"
    return [Conflict(path, f"binary file you changed; the template {what}: yours is kept")]


def _edited(
    repo: Path, path: str, mine: Entry, base: Entry, theirs: Entry | None, arrived: set[str]
) -> list[Conflict]:
    if theirs is None:
        if mine.sha in arrived:
            return []  # a migration carried the user's version to the file's new path
        restore(repo, path, mine)
        return [Conflict(path, "you edited it; the template deletes or moves it: yours is kept")]
    if mine.mode != base.mode and theirs.mode != mine.mode:
        (repo / path).chmod(0o755 if mine.mode == "100755" else 0o644)
        return [
            Conflict(
                path,
                f"permissions: you set {mine.mode[-3:]}, the template {theirs.mode[-3:]}: "
                "yours are kept",
            )
        ]
    return []
