"""Adopt the kind's template beside imported code without changing a file of it.

The template's render for the service becomes a root commit of the repo; one merge commit
on top of the imported history then adds the render's files that the code does not have
and keeps every file of the code as it is. The answers file records that render's version
(`_commit`), which `copier update` renders again as the base of its three-way merge: each
file where the code differs from the template counts as the repo's own edit.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from workspace import gitrepo
from workspace.history import BRANCH
from workspace.manifest import ANSWERS_FILE, WorkspaceError

TEMPLATE_INDEX = "polystack-template-index"


@dataclass(frozen=True)
class Adoption:
    template_commit: str  # the root commit holding the template's render
    added: tuple[str, ...]  # the render's files the code did not have
    clashes: tuple[str, ...]  # paths where the code has its own file (or folder)
    same: tuple[str, ...]  # files the code already had exactly as the template writes them

    def compare_command(self, repo: str, path: str) -> str:
        """Shows the template's version of `path` (-) beside the repo's (+)."""
        return f"git -C {repo} diff {self.template_commit[:10]} -- {path}"


def render(
    template: Path, version: str, src_path: str, answers: dict[str, Any], kind: str,
    name: str, dest: Path,
) -> None:  # fmt: skip
    """Render the service's repo with Copier from a clone of the template, as `copier copy`
    would from `src_path`; the clone spares one download per service."""
    import copier  # only imports render: the other commands start without it

    data = {**answers, "template_kind": kind, "service_name": name}
    try:
        copier.run_copy(
            str(template), dest, data=data, vcs_ref=version, defaults=True, unsafe=True,
            quiet=True, skip_tasks=True,
        )  # fmt: skip
    except Exception as error:  # Copier's errors do not all survive a process pool
        raise WorkspaceError(f"rendering the {kind} template for {name} failed: {error}") from None
    point_answers_at(dest / ANSWERS_FILE, src_path)


def point_answers_at(answers_file: Path, src_path: str) -> None:
    """Record the template's real location instead of the scratch clone's."""
    lines = answers_file.read_text(encoding="utf-8").splitlines(keepends=True)
    found = [i for i, line in enumerate(lines) if line.startswith("_src_path:")]
    if len(found) != 1:
        raise WorkspaceError(f"{answers_file} records no single _src_path: has Copier changed?")
    lines[found[0]] = yaml.safe_dump({"_src_path": src_path}, allow_unicode=True, width=1 << 20)
    answers_file.write_text("".join(lines), encoding="utf-8")


def tree_entries(repo: Path, rev: str) -> dict[str, str]:
    """{path: 'mode type sha'} of every file (and submodule) at `rev`."""
    out = gitrepo.git(repo, "ls-tree", "-r", "-z", "--full-tree", rev)
    entries = {}
    for record in out.split("\0"):
        if record:
            meta, path = record.split("\t", 1)
            entries[path] = meta
    return entries


def _index_env(repo: Path) -> dict[str, str]:
    return {**gitrepo.environment(), "GIT_INDEX_FILE": str(repo / ".git" / TEMPLATE_INDEX)}


def _git_env(repo: Path, env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    proc = subprocess.run(
        ["git", *args], cwd=repo, input=stdin, text=True, capture_output=True, check=False,
        env=env,
    )  # fmt: skip
    if proc.returncode != 0:
        raise WorkspaceError(f"git {' '.join(args)} failed in {repo}: {proc.stderr.strip()}")
    return proc.stdout.strip()


def commit_render(repo: Path, rendered: Path, message: str) -> str:
    """A root commit of `repo` holding exactly the files of `rendered`; returns its hash."""
    env = _index_env(repo)
    identity = gitrepo.identity_args(repo)
    try:
        _git_env(repo, env, "--work-tree", str(rendered), "add", "--all", "--force", ".")
        tree = _git_env(repo, env, "write-tree")
    finally:
        Path(env["GIT_INDEX_FILE"]).unlink(missing_ok=True)
    return _git_env(repo, gitrepo.environment(), *identity, "commit-tree", tree, "-m", message)


def classify(
    mine: dict[str, str], theirs: dict[str, str]
) -> tuple[list[str], list[str], list[str]]:
    """The template's paths as (to add, clashing, identical) against the code's files."""
    folders = {str(parent) for path in mine for parent in PurePosixPath(path).parents}
    added: list[str] = []
    clashes: list[str] = []
    same: list[str] = []
    for path, entry in sorted(theirs.items()):
        if path in mine:
            (same if mine[path] == entry else clashes).append(path)
        elif path in folders or any(str(p) in mine for p in PurePosixPath(path).parents):
            clashes.append(path)  # a folder of the code where the template has a file, or back
        else:
            added.append(path)
    return added, clashes, same


def adopt(repo: Path, rendered: Path, subject: str, describe: str) -> Adoption:
    """Commit the render, then merge it into `main` keeping every file of the code.

    `describe` is the template's part of the messages, e.g. 'backend template 1.0.0'.
    """
    template = commit_render(repo, rendered, f"chore: the Polystack {describe}, {subject}")
    mine = tree_entries(repo, "HEAD")
    theirs = tree_entries(repo, template)
    added, clashes, same = classify(mine, theirs)
    adoption = Adoption(template, tuple(added), tuple(clashes), tuple(same))
    index_info = "".join(f"{theirs[path]}\t{path}\0" for path in added)
    env = gitrepo.environment()
    _git_env(repo, env, "update-index", "-z", "--add", "--index-info", stdin=index_info)
    tree = _git_env(repo, env, "write-tree")
    message = merge_message(adoption, describe)
    head = _git_env(repo, env, "rev-parse", "HEAD")
    merged = _git_env(
        repo, env, *gitrepo.identity_args(repo), "commit-tree", tree, "-p", head, "-p", template,
        "-F", "-", stdin=message,
    )  # fmt: skip
    _git_env(repo, env, "update-ref", f"refs/heads/{BRANCH}", merged, head)
    _git_env(repo, env, "checkout-index", "--all")  # the added files, into the work tree
    return adoption


def merge_message(adoption: Adoption, describe: str) -> str:
    lines = [
        f"chore: adopt the Polystack {describe}",
        "",
        f"Adds the {len(adoption.added)} files of the template that the code did not have,",
        f"with {ANSWERS_FILE}, so that `copier update` keeps them current.",
    ]
    if adoption.clashes:
        short = adoption.template_commit[:10]
        lines += [
            "",
            "Where the code already had a file at a path the template writes, the code's",
            f"file is kept as it was; the template's version is in {short}:",
            "",
            *(f"    git diff {short} -- {path}" for path in adoption.clashes),
        ]
    return "\n".join(lines) + "\n"
