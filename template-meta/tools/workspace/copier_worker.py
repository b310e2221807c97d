"""Copier's worker, given a template checkout and a Jinja environment that renders share.

Copier reads the template through `Worker.template` (its files at `Template.local_abspath`)
and its Jinja environment through `Worker.jinja_env`, cached properties: a `Checkout` fills
them with the ones it made for the first render. This leans on Copier's internals, which
`in_process` checks; `renderer` falls back to `copier copy` where they differ.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

from copier._main import Worker
from copier._settings import SettingsModel
from copier._template import Task, Template
from copier._vcs import clone, get_repo
from jinja2 import Environment

from workspace.manifest import TemplateSource

# The template's copy task that makes a new repo's first commit: done here, batched.
INITIAL_COMMIT_TASK = "/extensions/initial_commit.py"


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


class Checkout:
    """The template at one version, checked out once, with what its renders share."""

    def __init__(self, source: TemplateSource, path: Path) -> None:
        self.template = Template(url=source.url, ref=source.ref)
        vars(self.template)["local_abspath"] = path  # Copier's clone, made once
        self.environment: Environment | None = None
        self.settings = SettingsModel.from_file()  # the user's, read once for every render

    def worker(self, dest: Path, data: dict[str, Any]) -> Worker:
        worker = ServiceWorker(
            src_path=self.template.url, dst_path=dest, data=data, vcs_ref=self.template.ref,
            settings=self.settings, defaults=True, unsafe=True, quiet=True,
        )  # fmt: skip
        vars(worker)["template"] = self.template
        if self.environment is None:
            self.environment = worker.jinja_env
            memoized_compile(self.environment)
        vars(worker)["jinja_env"] = self.environment
        return worker

    def render(self, dest: Path, data: dict[str, Any]) -> None:
        with self.worker(dest, data) as worker:
            worker.run_copy()


def check_out(source: TemplateSource, clone_from: str | None, where: Path) -> Checkout:
    """Copier's own clone of the template (from `clone_from` when given), made once."""
    url = clone_from or get_repo(source.url) or source.url
    return Checkout(source, Path(clone(url, source.ref, str(where))))
