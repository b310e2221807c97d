"""Service repos rendered by Copier in this process, many from one checkout of the template.

`copier copy` clones the template, loads its Jinja extensions and compiles its templates on
every run. Here Copier renders each service in the process that already has it loaded, and
the services of one template version share all three: Copier reads the template through
`Worker.template` (its files at `Template.local_abspath`) and its Jinja environment through
`Worker.jinja_env`, cached properties that are given the shared ones. The answers file is
the one `copier copy` of the template's URL writes: Copier records the URL as `_src_path`
and the checkout's `git describe` as `_commit`, so every service stays updatable.

Each new repo gets its first commit from git in the background while the next one renders.
Where this Copier's internals differ from what the above relies on, each service is rendered
by `copier copy` in a process of its own instead, with the same result.
"""

from __future__ import annotations

import inspect
import shutil
import tempfile
import threading
import warnings
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from functools import cached_property
from pathlib import Path
from types import TracebackType
from typing import Any

import yaml
from copier._main import Worker
from copier._settings import SettingsModel
from copier._template import Task, Template
from copier._vcs import clone, get_repo
from jinja2 import Environment

from workspace import copier_cli, gitrepo
from workspace.manifest import TemplateSource, WorkspaceError

# The template's copy task that makes a new repo's first commit: done here, batched.
INITIAL_COMMIT_TASK = "/extensions/initial_commit.py"
# git runs in other processes: two first commits at once keep both cores busy.
COMMITTERS = 2


def in_process() -> bool:
    """Whether this Copier reads its template and Jinja environment as this module expects."""
    expected = ((Worker, "template"), (Worker, "jinja_env"), (Template, "local_abspath"))
    methods = ("_execute_tasks", "_sync_git_index_executable_bit")
    return all(
        isinstance(inspect.getattr_static(owner, name, None), cached_property)
        for owner, name in expected
    ) and all(callable(getattr(Worker, name, None)) for name in methods)


def is_initial_commit(task: Task) -> bool:
    command = task.cmd
    return not isinstance(command, str) and str(command[-1]).endswith(INITIAL_COMMIT_TASK)


class ServiceWorker(Worker):
    """Copier's worker for a new service repo (a new folder, or a clone with no commit)."""

    def _execute_tasks(self, tasks: Sequence[Task]) -> None:
        """Every task but the first commit, which `Renderer` makes once the repo is written."""
        super()._execute_tasks([task for task in tasks if not is_initial_commit(task)])

    def _sync_git_index_executable_bit(self, dst_relpath: Path, src_mode: int) -> None:
        """Nothing to do: no file of a new repo is in a git index yet. (Copier asks git about
        each file it writes, a process per file, to change modes of files already staged.)"""


def memoized_compile(environment: Environment) -> None:
    """Compile each template source once: the services of one template version render the
    same sources in the same environment, only with other answers. Extensions still see
    every source before it is used (Copier's `yield` tag resets its state there)."""
    compile_source: Callable[..., Any] = environment.compile
    compiled: dict[tuple[Any, ...], Any] = {}

    def cached(source: Any, name: str | None = None, filename: str | None = None,
               raw: bool = False, defer_init: bool = False) -> Any:  # fmt: skip
        key = (source, name, filename, raw, defer_init)
        if key in compiled:
            if isinstance(source, str):
                environment.preprocess(source, name, filename)
            return compiled[key]
        result = compiled[key] = compile_source(source, name, filename, raw, defer_init)
        return result

    setattr(environment, "compile", cached)  # noqa: B010  (mypy: no assignment to a method)


def cli_data(data_file: Path, kind: str, name: str) -> dict[str, Any]:
    """What `copier copy --data template_kind=… --data service_name=… --data-file F` passes:
    the command line's values first, then the file's other keys."""
    loaded = yaml.safe_load(data_file.read_text(encoding="utf-8")) or {}
    given = {"template_kind": kind, "service_name": name}
    return {**given, **{key: value for key, value in loaded.items() if key not in given}}


class Checkout:
    """The template at one version, checked out once, with what its renders share."""

    def __init__(self, source: TemplateSource, path: Path) -> None:
        self.template = Template(url=source.url, ref=source.ref)
        vars(self.template)["local_abspath"] = path  # Copier's clone, made once
        self.environment: Environment | None = None

    def worker(self, dest: Path, data: dict[str, Any], settings: SettingsModel) -> Worker:
        worker = ServiceWorker(
            src_path=self.template.url, dst_path=dest, data=data, vcs_ref=self.template.ref,
            settings=settings, defaults=True, unsafe=True, quiet=True,
        )  # fmt: skip
        vars(worker)["template"] = self.template
        if self.environment is None:
            self.environment = worker.jinja_env
            memoized_compile(self.environment)
        vars(worker)["jinja_env"] = self.environment
        return worker


class Renderer:
    """Renders service repos with `copier copy`'s answers and gives each its first commit.

    `clone_from` is where git finds the template when it is not its URL (a local copy of
    it); `workdir` holds the checkouts, removed on leaving.
    """

    def __init__(self, clone_from: str | None = None, workdir: Path | None = None) -> None:
        self.clone_from = clone_from
        self.fast = in_process()
        self._scratch = Path(tempfile.mkdtemp(prefix="polystack-render.", dir=workdir))
        self._checkouts: dict[TemplateSource, Checkout] = {}
        self._settings: SettingsModel | None = None
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

    def checkout(self, source: TemplateSource) -> Checkout:
        if source not in self._checkouts:
            url = self.clone_from or get_repo(source.url) or source.url
            where = self._scratch / f"template-{len(self._checkouts)}"
            where.mkdir()
            try:
                path = Path(clone(url, source.ref, str(where)))
            except Exception as error:
                raise WorkspaceError(
                    f"cannot check out the template {source.url} at {source.ref}: {error}"
                ) from None
            self._checkouts[source] = Checkout(source, path)
        return self._checkouts[source]

    def copy(self, source: TemplateSource, dest: Path, data_file: Path, kind: str,
             name: str) -> None:  # fmt: skip
        """Render one service repo into `dest` (new, or a clone without commits) and queue
        its first commit; raises WorkspaceError with Copier's message when it fails."""
        if not self.fast:
            self._copy_in_subprocess(source, dest, data_file, kind, name)
            return
        checkout = self.checkout(source)
        if self._settings is None:
            self._settings = SettingsModel.from_file()
        data = cli_data(data_file, kind, name)
        try:
            # What a `copier copy` process would print and drop: warnings too.
            with (
                warnings.catch_warnings(record=True),
                checkout.worker(dest, data, self._settings) as worker,
            ):
                worker.run_copy()
        except Exception as error:
            raise WorkspaceError(f"rendering {name} failed:\n{error}") from None
        self._commits.add(dest)

    def _copy_in_subprocess(self, source: TemplateSource, dest: Path, data_file: Path,
                            kind: str, name: str) -> None:  # fmt: skip
        env = {}
        if self.clone_from:  # every git that clones the source clones this copy instead
            env = {"GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": f"url.{self.clone_from}.insteadOf",
                   "GIT_CONFIG_VALUE_0": get_repo(source.url) or source.url}  # fmt: skip
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
