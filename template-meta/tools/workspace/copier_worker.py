"""Copier's worker, given a template checkout and a Jinja environment that renders share.

Copier reads the template through `Worker.template` (its files at `Template.local_abspath`)
and its Jinja environment through `Worker.jinja_env`, cached properties: a `Checkout` fills
them with the ones it made for the first render. This leans on Copier's internals, which
`in_process` checks; `renderer` falls back to `copier copy` where they differ.
"""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Callable, Sequence
from functools import cached_property
from pathlib import Path
from types import CodeType
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


# The settings of an environment that shape what `compile` makes of a source.
COMPILE_OPTIONS = (
    "block_start_string", "block_end_string", "variable_start_string", "variable_end_string",
    "comment_start_string", "comment_end_string", "line_statement_prefix",
    "line_comment_prefix", "trim_blocks", "lstrip_blocks", "newline_sequence",
    "keep_trailing_newline", "optimized", "is_async", "autoescape", "finalize",
)  # fmt: skip
CompileCache = dict[tuple[Any, ...], Any]


def compile_signature(environment: Environment, root: Path) -> tuple[Any, ...]:
    """What makes two environments compile a source alike: their settings, their filters and
    tests (the compiler asks how each is called), their extensions and, for extensions the
    template at `root` ships, the source of the folders they come from. Two versions of a
    template whose extensions did not change share a signature."""
    options = tuple(repr(getattr(environment, name, None)) for name in COMPILE_OPTIONS)
    callables = tuple(
        sorted(
            (kind, name, repr(getattr(function, "jinja_pass_arg", None)))
            for kind, functions in (("filter", environment.filters), ("test", environment.tests))
            for name, function in functions.items()
        )
    )
    folders = {
        Path(code.co_filename).parent
        for extension in environment.extensions.values()
        for cls in type(extension).__mro__
        for member in vars(cls).values()
        if (code := getattr(member, "__code__", None)) is not None
        and Path(code.co_filename).is_relative_to(root)
    }
    digest = hashlib.sha256()
    for folder in sorted(folders):
        for path in sorted(folder.rglob("*.py")):
            digest.update(f"{path.relative_to(root)}\0".encode())
            digest.update(path.read_bytes())
    return (type(environment).__qualname__, options, callables,
            tuple(sorted(environment.extensions)), digest.hexdigest())  # fmt: skip


def with_filename(code: CodeType, filename: str) -> CodeType:
    """A compiled template's code as if compiled from `filename` (tracebacks name it)."""
    consts = tuple(with_filename(c, filename) if isinstance(c, CodeType) else c
                   for c in code.co_consts)  # fmt: skip
    return code.replace(co_filename=filename, co_consts=consts)


def memoized_compile(
    environment: Environment, shared: CompileCache | None = None, root: Path | None = None
) -> None:
    """Compile each template source once: the services of one template version render the
    same sources in the same environment, only with other answers. Extensions still see
    every source before it is used (Copier's `yield` tag resets its state there).

    `shared` is a cache for every environment of the same `compile_signature`, each reading
    a checkout of the template at its own `root`: a source that two versions of a template
    have in common is compiled once, its code given each checkout's file name."""
    compile_source: Callable[..., Any] = environment.compile
    compiled: CompileCache = {}
    common: CompileCache = {} if shared is None else shared

    def cached(source: Any, name: str | None = None, filename: str | None = None,
               raw: bool = False, defer_init: bool = False) -> Any:  # fmt: skip
        key = (source, name, filename, raw, defer_init)
        if key in compiled:
            if isinstance(source, str):
                environment.preprocess(source, name, filename)
            return compiled[key]
        relative = filename
        if root is not None and filename and Path(filename).is_relative_to(root):
            relative = str(Path(filename).relative_to(root))
        common_key = (source, name, relative, raw, defer_init)
        if common_key in common:
            if isinstance(source, str):
                environment.preprocess(source, name, filename)
            result = common[common_key]
            if isinstance(result, CodeType) and filename and result.co_filename != filename:
                result = with_filename(result, filename)
        else:
            result = common[common_key] = compile_source(source, name, filename, raw, defer_init)
        compiled[key] = result
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
