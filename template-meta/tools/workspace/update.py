"""`copier update` across the meta-repo and every service repo, telling the truth about it.

Copier exits 0 even when it leaves conflicts, so each repo is inspected afterwards.
Nothing is committed: the user reviews the changes and commits them.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from workspace import copier_cli, gitrepo
from workspace.manifest import Manifest, WorkspaceError, dump_answers

UPDATED, CURRENT, CONFLICTS, FAILED, BEHIND = (
    "updated", "already current", "conflicts", "failed", "behind",
)  # fmt: skip


@dataclass(frozen=True)
class Outcome:
    repo: str
    state: str
    files: list[str] = field(default_factory=list)
    detail: str = ""

    @property
    def failed(self) -> bool:
        return self.state in (CONFLICTS, FAILED)


def repos(manifest: Manifest) -> list[tuple[str, Path]]:
    """The meta-repo first, then every service in manifest order."""
    services = [(s.name, manifest.service_dir(s.name)) for s in manifest.services]
    return [(".", manifest.root), *services]


def ensure_ready(targets: Iterable[tuple[str, Path]]) -> None:
    """Refuse to start unless every repo exists and has no uncommitted change."""
    missing, dirty = [], []
    for name, path in targets:
        if not gitrepo.is_repo(path):
            missing.append(name)
        elif gitrepo.changed_paths(path):
            dirty.append(name)
    if missing:
        raise WorkspaceError(
            f"not a git repo yet: {', '.join(missing)}; run `make bootstrap` first"
        )
    if dirty:
        raise WorkspaceError(
            f"uncommitted changes in {', '.join(dirty)}: commit or stash them first, "
            "so that the update's changes can be reviewed on their own"
        )


def update_repo(name: str, path: Path, data_file: Path, vcs_ref: str | None = None) -> Outcome:
    result = copier_cli.update(path, data_file, vcs_ref)
    conflicts = gitrepo.conflicted_files(path)
    if conflicts:
        return Outcome(name, CONFLICTS, conflicts)
    if not result.ok:
        return Outcome(name, FAILED, detail=result.tail())
    changed = gitrepo.changed_paths(path)
    return Outcome(name, UPDATED, changed) if changed else Outcome(name, CURRENT)


def check_repo(name: str, path: Path) -> Outcome:
    versions = copier_cli.check_update(path)
    if isinstance(versions, copier_cli.Result):
        return Outcome(name, FAILED, detail=versions.tail())
    if versions.update_available:
        return Outcome(name, BEHIND, detail=f"{versions.current} -> {versions.latest}")
    return Outcome(name, CURRENT, detail=versions.current)


def update_all(manifest: Manifest, *, check: bool = False) -> list[Outcome]:
    targets = repos(manifest)
    if check:
        return [check_repo(name, path) for name, path in targets]
    ensure_ready(targets)
    # The committed manifest, read once: the meta-repo's update re-renders the file itself.
    with tempfile.TemporaryDirectory() as tmp:
        data = dump_answers(manifest.shared_answers(), Path(tmp) / "answers.yml")
        return [update_repo(name, path, data) for name, path in targets]


def report(outcomes: list[Outcome]) -> str:
    lines = []
    for outcome in outcomes:
        line = f"{outcome.repo:<24} {outcome.state}"
        if outcome.detail and not outcome.failed:
            line += f" ({outcome.detail})"
        lines.append(line)
        lines.extend(f"    {path}" for path in outcome.files)
        if outcome.failed and outcome.detail:
            lines.extend(f"    | {text}" for text in outcome.detail.splitlines())
    return "\n".join(lines)
