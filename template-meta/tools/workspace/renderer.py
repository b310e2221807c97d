"""Service repos rendered by Copier in this process, many from one checkout of the template.

`copier copy` clones the template, loads its Jinja extensions and compiles its templates on
every run. Here Copier renders each service in the process that already has it loaded, and
the services of one template version share all three (`copier_worker`). The answers file is
the one `copier copy` of the template's URL writes: Copier records the URL as `_src_path`
and the checkout's `git describe` as `_commit`, so every service stays updatable.

Each new repo gets its first commit from git in the background while the next one renders.
Where this Copier's internals differ from what `copier_worker` relies on, each service is
rendered by `copier copy` in a process of its own instead, with the same result.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import warnings
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from types import ModuleType, TracebackType
from typing import Any

import yaml

from workspace import copier_cli, gitrepo, releases
from workspace.manifest import TemplateSource, WorkspaceError

copier_worker: ModuleType | None
try:
    from workspace import copier_worker
except ImportError:  # a Copier whose modules moved
    copier_worker = None

# git runs in other processes: two first commits at once keep both cores busy.
COMMITTERS = 2


def cli_data(data_file: Path, kind: str, name: str) -> dict[str, Any]:
    """What `copier copy --data template_kind=… --data service_name=… --data-file F` passes:
    the command line's values first, then the file's other keys."""
    loaded = yaml.safe_load(data_file.read_text(encoding="utf-8")) or {}
    given = {"template_kind": kind, "service_name": name}
    return {**given, **{key: value for key, value in loaded.items() if key not in given}}


class Renderer:
    """Renders service repos with `copier copy`'s answers and gives each its first commit.

    `clone_from` is where git finds the template when it is not its URL (a local copy of
    it); `workdir` holds the checkouts, removed on leaving.
    """

    def __init__(self, clone_from: str | None = None, workdir: Path | None = None) -> None:
        self.clone_from = clone_from
        self.fast = copier_worker is not None and copier_worker.in_process()
        self._scratch = Path(tempfile.mkdtemp(prefix="polystack-render.", dir=workdir))
        self._checkouts: dict[TemplateSource, Any] = {}
        self._commits = FirstCommits()

    def __enter__(self) -> Renderer:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:  # fmt: skip
        try:
            failures = self._commits.wait()
        finally:
            shutil.rmtree(self._scratch, ignore_errors=True)
        if failures and error is None:
            raise WorkspaceError("\n".join(failures))

    def checkout(self, source: TemplateSource) -> Any:
        """The `copier_worker.Checkout` of a template version, made on its first render."""
        assert copier_worker is not None
        if source not in self._checkouts:
            where = self._scratch / f"template-{len(self._checkouts)}"
            where.mkdir()
            try:
                made = copier_worker.check_out(source, self.clone_from, where)
            except Exception as error:
                raise WorkspaceError(
                    f"cannot check out the template {source.url} at {source.ref}: {error}"
                ) from None
            self._checkouts[source] = made
        return self._checkouts[source]

    def copy(self, source: TemplateSource, dest: Path, data_file: Path, kind: str,
             name: str) -> None:  # fmt: skip
        """Render one service repo into `dest` (new, or a clone without commits) and queue
        its first commit; raises WorkspaceError with Copier's message when it fails."""
        if not self.fast:
            self._copy_in_subprocess(source, dest, data_file, kind, name)
            return
        checkout = self.checkout(source)
        data = cli_data(data_file, kind, name)
        try:
            # What a `copier copy` process would print and drop: warnings too.
            with warnings.catch_warnings(record=True):
                checkout.render(dest, data)
        except Exception as error:
            raise WorkspaceError(f"rendering {name} failed:\n{error}") from None
        self._commits.add(dest)

    def _copy_in_subprocess(self, source: TemplateSource, dest: Path, data_file: Path,
                            kind: str, name: str) -> None:  # fmt: skip
        env = {}
        if self.clone_from:  # every git that clones the source clones this copy instead
            env = {"GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": f"url.{self.clone_from}.insteadOf",
                   "GIT_CONFIG_VALUE_0": releases.git_url(source.url)}  # fmt: skip
        result = copier_cli.copy_service(source, dest, data_file, kind, name, env=env)
        if not result.ok:
            raise WorkspaceError(f"rendering {name} failed:\n{result.tail()}")
        if not gitrepo.has_commits(dest):  # else the template's copy task made it
            self._commits.add(dest)


class FirstCommits:
    """Each new repo's first commit (`git init`, `add -A`, `commit`), made in the background.

    Git's identity is looked up once, in the first new repo: a neutral one is used only when
    git has none.
    """

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=COMMITTERS)
        self._jobs: dict[Path, Future[None]] = {}
        self._identity: list[str] | None = None
        self._lock = threading.Lock()

    def add(self, repo: Path) -> None:
        self._jobs[repo] = self._pool.submit(
            gitrepo.commit_all, repo, gitrepo.INITIAL_COMMIT, self._identity_args
        )

    def _identity_args(self, repo: Path) -> list[str]:
        with self._lock:
            if self._identity is None:
                self._identity = gitrepo.identity_args(repo)
            return self._identity

    def wait(self) -> list[str]:
        """Waits for every commit; the failures' messages."""
        self._pool.shutdown(wait=True)
        return [
            f"the first commit of {repo} failed: {job.exception()}"
            for repo, job in self._jobs.items()
            if job.exception() is not None
        ]
