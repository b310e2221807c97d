"""How an update runs Copier: in this process (`copier_updater`), or, where this Copier's
internals are not what that module expects, as a `copier` process per step."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from workspace import copier_cli, releases
from workspace.copier_cli import Result
from workspace.manifest import dump_answers


class Copier(Protocol):
    # Whether several repos may be updated at once (in threads).
    parallel: bool

    def render_release(
        self, url: str, ref: str, data: dict[str, Any], dest: Path, exclude_of: str
    ) -> Result:
        """The release `ref` rendered with `data` into `dest` (in a folder of its own), as the
        update to `exclude_of` starts from."""

    def update(self, repo: Path, data: dict[str, Any], ref: str) -> Result:
        """`copier update` of `repo` (in a folder of its own) to `ref` with `data`."""


class CopierProcesses:
    """A `copier` process per step, cloning the run's copy of the template source; the
    temp files of each in the folder that holds its destination."""

    parallel = True

    def __init__(self, template: releases.Template) -> None:
        self.git_env = template.git_env()

    def render_release(
        self, url: str, ref: str, data: dict[str, Any], dest: Path, exclude_of: str
    ) -> Result:
        data_file = dump_answers(data, dest.parent / "recorded.yml")
        env = {**self.git_env, "TMPDIR": str(dest.parent)}
        return copier_cli.render_release(url, ref, data_file, dest, env)

    def update(self, repo: Path, data: dict[str, Any], ref: str) -> Result:
        data_file = dump_answers(data, repo.parent / "answers.yml")
        env = {**self.git_env, "TMPDIR": str(repo.parent)}
        return copier_cli.update(repo, data_file, ref, env)


def copier_for(template: releases.Template, work: Path) -> Copier:
    """The fastest way this Copier allows, its checkouts in `work`."""
    try:
        from workspace import copier_updater
    except ImportError:  # a Copier whose modules moved
        return CopierProcesses(template)
    if not copier_updater.supported():
        return CopierProcesses(template)
    return copier_updater.Updater(template.path, work)
