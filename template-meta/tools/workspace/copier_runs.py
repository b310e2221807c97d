"""How an update runs Copier: in this process (`copier_updater`), or, where this Copier's
internals are not what that module expects, as a `copier` process per step."""

from __future__ import annotations

import tempfile
from concurrent.futures import Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any, Protocol

from workspace import copier_cli, releases
from workspace.copier_cli import Result
from workspace.manifest import dump_answers


class Copier(Protocol):
    @property
    def parallel(self) -> bool:
        """Whether several repos may be updated at once (in threads)."""

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


def copier_for(
    template: releases.Template, work: Path, made: dict[str, Future[Path]] | None = None
) -> Copier:
    """The fastest way this Copier allows, its checkouts in `work` (`made`: {ref: its
    checkout, being made})."""
    try:
        from workspace import copier_updater
    except ImportError:  # a Copier whose modules moved
        return CopierProcesses(template)
    if not copier_updater.supported():
        return CopierProcesses(template)
    return copier_updater.Updater(template.path, work, made)


class Loading:
    """A `Copier` made while the run goes on: Copier's modules imported in one thread (most
    of a second) and the versions the run renders first checked out in others (git's
    processes), while the run clones its first repo. Its first step waits for them."""

    def __init__(self, template: releases.Template, work: Path, first: list[str]) -> None:
        pool = ThreadPoolExecutor(max_workers=1 + len(set(first)))
        made = {
            ref: pool.submit(releases.check_out, template.path, ref,
                             Path(tempfile.mkdtemp(prefix="checkout.", dir=work)))
            for ref in dict.fromkeys(first)
        }  # fmt: skip
        self._copier = pool.submit(copier_for, template, work, made)
        self._work: list[Future[Any]] = [self._copier, *made.values()]
        pool.shutdown(wait=False)

    @property
    def parallel(self) -> bool:
        return self._copier.result().parallel

    def render_release(
        self, url: str, ref: str, data: dict[str, Any], dest: Path, exclude_of: str
    ) -> Result:
        return self._copier.result().render_release(url, ref, data, dest, exclude_of)

    def update(self, repo: Path, data: dict[str, Any], ref: str) -> Result:
        return self._copier.result().update(repo, data, ref)

    def wait(self) -> None:
        """Until nothing runs in the background any more (before the run's files go)."""
        wait(self._work)
