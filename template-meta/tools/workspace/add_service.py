"""Add services to the manifest.

`add_service` (`make add-service`): the meta-repo's update, with the new entry in the
manifest, is judged by Copier and lands on the meta-repo's update branch; then the service is
rendered and the new shared answers reach every repo. A rejected entry leaves every repo as
it was. `update_meta` and `update_others` re-render in place at the current template
version, for `make import`, whose new repos arrive in the same step.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from workspace import copier_cli, gitrepo, update
from workspace.manifest import Manifest, WorkspaceError, dump_answers
from workspace.update import Outcome, update_repo

KEEP_VERSION = ":current:"  # answers change, the template version does not


def new_entry(name: str, kind: str, port: int | None, route: str | None) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": name, "kind": kind}
    if port is not None:
        entry["port"] = port
    if route is not None:
        entry["route"] = route
    return entry


def update_meta(manifest: Manifest, answers: dict[str, Any]) -> Outcome:
    """Re-render the meta-repo with new shared answers at its template version. Copier
    judges them before writing anything: a rejection raises and leaves every file as it was."""
    with tempfile.TemporaryDirectory() as tmp:
        data = dump_answers(answers, Path(tmp) / "answers.yml")
        result = copier_cli.update(manifest.root, data, KEEP_VERSION)
    if not result.ok:
        if gitrepo.changed_paths(manifest.root):
            raise WorkspaceError(f"updating the meta-repo failed midway:\n{result.tail()}")
        raise WorkspaceError(f"the new service was rejected:\n{result.text()}")
    conflicts = gitrepo.conflicted_files(manifest.root)
    if conflicts:
        return Outcome(".", "conflicts", conflicts)
    return Outcome(".", "updated", gitrepo.changed_paths(manifest.root))


def update_others(targets: list[tuple[str, Path]], updated: Manifest) -> list[Outcome]:
    """The service repos that were there before receive the new shared answers."""
    return [update_repo(name, path, updated.path, KEEP_VERSION) for name, path in targets[1:]]


def add_service(
    root: Path, name: str, kind: str, port: int | None = None, route: str | None = None
) -> list[Outcome]:
    answers = Manifest.load(root).with_service(new_entry(name, kind, port, route))
    return update.update_all(root, answers=answers)
