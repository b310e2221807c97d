"""`copier update` run in this process, each template version checked out once per run.

An update renders the template three times: the recorded release (what the repo started
from), the new one into the repo, and the new one again into an empty folder to diff
against; `copier update` clones the template for each. Here every render of one version
uses one checkout and one Jinja environment (sources two versions share compiled once),
and two renders are reused: the recorded release, rendered before the update to audit it,
is handed to Copier, and the new version's render into the repo, kept as it is written,
stands for the one into the empty folder. This leans on Copier's internals like
`copier_worker`, and runs only where `supported` holds.
"""

from __future__ import annotations

import inspect
import json
import os
import shutil
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, ClassVar

from copier._main import Worker
from copier._subproject import Subproject
from copier._template import Template
from copier._types import JSONSerializable
from copier._vcs import get_git
from jinja2 import Environment

from workspace import gitrepo
from workspace.copier_cli import Result
from workspace.copier_worker import CompileCache, compile_signature, in_process, memoized_compile
from workspace.releases import check_out

RenderKey = tuple[str, str, str, tuple[str, ...]]
# Copier's methods `UpdateWorker` overrides beside the cached properties `supported` checks.
OVERRIDDEN = ("_git_initialize_repo", "_render_string")


def supported() -> bool:
    """Whether this Copier reads its templates as `UpdateWorker` expects (and `in_process`)."""
    cached = ((Worker, "subproject"), (Subproject, "template"))
    return (
        in_process()
        and all(isinstance(inspect.getattr_static(o, n, None), cached_property) for o, n in cached)
        and hasattr(Worker, "resolved_vcs_ref")
        and all(callable(getattr(Worker, name, None)) for name in OVERRIDDEN)
    )


class Checkouts:
    """The template source at each version a run renders, cloned once from `clone_from`."""

    def __init__(
        self, clone_from: Path, where: Path, made: dict[str, Future[Path]] | None = None
    ) -> None:
        self.clone_from = clone_from
        self.where = where
        self._made = dict(made or {})  # {ref: its checkout, being made}
        self._templates: dict[tuple[str, str], Template] = {}
        self._environments: dict[Path, Environment] = {}
        self._compiled: dict[tuple[Any, ...], CompileCache] = {}  # {signature: cache}
        self.renders: dict[RenderKey, Path] = {}
        self.modes_ignored: dict[Path, bool] = {}  # {repo: whether git ignores file modes}
        self._objects: dict[Path, Path] = {}

    def objects_dir(self, repo: Path) -> Path:
        """Where the repo at `repo` keeps its objects: a clone's .git/objects, else what git
        says (asked once per repo)."""
        if repo not in self._objects:
            where = Path(".git", "objects")
            if not (repo / where).is_dir():
                where = Path(gitrepo.git(repo, "rev-parse", "--git-path", "objects").strip())
            self._objects[repo] = (repo / where).absolute()
        return self._objects[repo]

    def template(self, url: str, ref: str) -> Template:
        if (url, ref) not in self._templates:
            template = Template(url=url, ref=ref)
            made = self._made.pop(ref, None)
            if made is None:
                folder = Path(tempfile.mkdtemp(prefix="checkout.", dir=self.where))
                made = Future()
                made.set_result(check_out(self.clone_from, ref, folder))
            vars(template)["local_abspath"] = made.result()
            self._templates[url, ref] = template
        return self._templates[url, ref]

    def environment(self, template: Template, make: Callable[[], Environment]) -> Environment:
        """One Jinja environment per checkout, its compiled sources kept for every render and
        shared with the other versions' checkouts where they compile alike."""
        root = template.local_abspath
        if root not in self._environments:
            environment = self._environments[root] = make()
            cache = self._compiled.setdefault(compile_signature(environment, root), {})
            memoized_compile(environment, cache, root)
        return self._environments[root]


def render_key(template: Template, data: dict[str, Any], exclude: list[str]) -> RenderKey:
    """What a render's files depend on: the template version, the answers, the exclusions."""
    answers = {key: value for key, value in data.items() if not key.startswith("_")}
    return (template.url, str(template.local_abspath), json.dumps(answers, sort_keys=True),
            tuple(exclude))  # fmt: skip


class UpdateWorker(Worker):
    """Copier's worker, and the workers it derives for its renders, sharing `checkouts`."""

    checkouts: ClassVar[Checkouts]

    @cached_property
    def template(self) -> Template:
        url = self.src_path or (self.subproject.template and self.subproject.template.url)
        ref = self.resolved_vcs_ref
        if not url or not ref:  # Copier would look for the newest tag: let it
            return super().template
        return self.checkouts.template(str(url), ref)

    @cached_property
    def subproject(self) -> Subproject:
        result = super().subproject
        url, ref = result.last_answers.get("_src_path"), result.last_answers.get("_commit")
        if url and ref:
            vars(result)["template"] = self.checkouts.template(str(url), str(ref))
        return result

    @cached_property
    def jinja_env(self) -> Environment:  # type: ignore[override]
        return self.checkouts.environment(
            self.template,
            lambda: super(UpdateWorker, self).jinja_env,
        )

    def _sync_git_index_executable_bit(self, dst_relpath: Path, src_mode: int) -> None:
        """Copier asks git's `core.fileMode` for each file it writes, a process per file, and
        acts only where it is false: asked here once per repo."""
        ignored = self.checkouts.modes_ignored
        root = self.subproject.local_abspath
        if root not in ignored:
            setting = subprocess.run(
                ["git", "config", "--type=bool", "--get", "core.fileMode"], cwd=root,
                capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL,
            ).stdout.strip()  # fmt: skip
            ignored[root] = setting == "false"
        if ignored[root]:
            super()._sync_git_index_executable_bit(dst_relpath, src_mode)

    def _git_initialize_repo(self) -> None:
        """Copier's throwaway repo of a render (the old release's, the new one's), with fewer
        files to write and remove: no sample hooks, no blob the updated repo already holds
        (it is borrowed from there), one commit (Copier makes a second in case a hook
        changed files: a repo without hooks, committed without them, needs none)."""
        git = get_git()
        git("init", "--quiet", "--template=")
        alternates = Path(".git", "objects", "info", "alternates")
        alternates.parent.mkdir(parents=True, exist_ok=True)
        alternates.write_text(f"{self.checkouts.objects_dir(self.subproject.local_abspath)}\n")
        git("add", "--all", ".")
        git("commit", "--quiet", "--allow-empty", "--no-verify", "--no-gpg-sign",
            "-m", "dumb commit")  # fmt: skip

    def _render_string(self, string: str, extra_context: dict[str, Any] | None = None) -> str:
        """A line without Jinja markup (most parts of most paths) is itself, as a render
        would give it; its extensions still see it (the `yield` tag resets its state)."""
        environment = self.jinja_env
        markers = ("\n", "\r", environment.block_start_string, environment.variable_start_string,
                   environment.comment_start_string, environment.line_statement_prefix,
                   environment.line_comment_prefix)  # fmt: skip
        if any(marker and marker in string for marker in markers):
            return super()._render_string(string, extra_context)
        environment.preprocess(string)
        return string

    def run_copy(self) -> None:
        """A render already made with the same inputs is moved into an empty destination
        (each is used once); what a render into the repo writes is kept as that version's
        render (Copier renders it again, into an empty folder, to diff with)."""
        exclude = [*self.exclude]
        empty = not self.dst_path.exists() or not any(self.dst_path.iterdir())
        made = self.checkouts.renders.pop(render_key(self.template, self.data, exclude), None)
        if made is not None and empty:
            move_into(made, self.dst_path)
            return
        super().run_copy()
        if empty or self.template.skip_if_exists or self.pretend:
            return  # what Copier writes into the repo is not all it rendered
        fresh = Path(tempfile.mkdtemp(prefix="render."))
        folders: set[Path] = set()
        for entry in self.written:
            entry.write(fresh, folders)
        self.checkouts.renders[render_key(self.template, fresh_answers(self), exclude)] = fresh

    @cached_property
    def written(self) -> list[Written]:
        """Every path this worker's render asked to write, with its contents."""
        return []

    def _render_allowed(
        self,
        dst_relpath: Path,
        is_dir: bool = False,
        is_symlink: bool = False,
        expected_contents: bytes | Path = b"",
        expected_mode: int | None = None,
    ) -> bool:
        self.written.append(Written(dst_relpath, is_dir, is_symlink, expected_contents,
                                    expected_mode))  # fmt: skip
        return super()._render_allowed(
            dst_relpath, is_dir=is_dir, is_symlink=is_symlink,
            expected_contents=expected_contents, expected_mode=expected_mode,
        )  # fmt: skip


def move_into(made: Path, dest: Path) -> None:
    """A render's folder becomes `dest` (absent or empty), copied where it cannot move."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(made, dest)
    except OSError:  # another file system
        shutil.copytree(made, dest, symlinks=True, dirs_exist_ok=True)


@dataclass(frozen=True)
class Written:
    """One path of a render, written into a folder as Copier writes into an empty one."""

    path: Path
    is_dir: bool
    is_symlink: bool
    contents: bytes | Path
    mode: int | None

    def write(self, root: Path, folders: set[Path]) -> None:
        """Written under `root`; `folders` holds the ones made so far (each is made once)."""
        target = root / self.path
        folder = target if self.is_dir else target.parent
        if folder not in folders:
            folder.mkdir(parents=True, exist_ok=True)
            folders.update([folder, *folder.parents])
        if self.is_dir:
            return
        if self.is_symlink:
            target.symlink_to(self.contents)
            return
        assert isinstance(self.contents, bytes)
        target.write_bytes(self.contents)
        if self.mode is not None:
            target.chmod(self.mode)


def fresh_answers(worker: Worker) -> dict[str, Any]:
    """The answers Copier's update renders the new version with into an empty folder."""
    answers = worker.answers
    return {
        key: value
        for key, value in answers.combined.items()
        if not key.startswith("_")
        and key not in answers.hidden
        and isinstance(key, JSONSerializable)
        and isinstance(value, JSONSerializable)
    }


class Updater:
    """Copier's renders and updates for one run, in this process, one at a time: Copier
    changes the process's working directory as it goes."""

    parallel = False

    def __init__(
        self, clone_from: Path, where: Path, made: dict[str, Future[Path]] | None = None
    ) -> None:
        self.checkouts = Checkouts(clone_from, where, made)
        self.worker = type("BoundUpdateWorker", (UpdateWorker,), {"checkouts": self.checkouts})

    def render_release(
        self, url: str, ref: str, data: dict[str, Any], dest: Path, exclude_of: str
    ) -> Result:
        """A release rendered with a repo's recorded answers, as the update to `exclude_of`
        starts from (that version's exclusions too), kept for the update to reuse."""

        def render() -> None:
            exclude = list(self.checkouts.template(url, exclude_of).exclude)
            with self.worker(
                src_path=url, dst_path=dest, data=data, vcs_ref=ref, exclude=exclude,
                defaults=True, unsafe=True, quiet=True, skip_tasks=True, overwrite=True,
            ) as worker:  # fmt: skip
                worker.run_copy()
                self.checkouts.renders[render_key(worker.template, data, exclude)] = dest

        return self._run(render, dest.parent)

    def update(self, repo: Path, data: dict[str, Any], ref: str) -> Result:
        """`copier update --defaults --conflict inline` of `repo` to `ref` with `data`."""

        def update() -> None:
            with self.worker(
                dst_path=repo, data=data, vcs_ref=ref, defaults=True, unsafe=True,
                quiet=True, overwrite=True, conflict="inline",
            ) as worker:  # fmt: skip
                worker.run_update()

        return self._run(update, repo.parent)

    @staticmethod
    def _run(step: Callable[[], None], scratch: Path) -> Result:
        """A step's outcome as a `copier` process's would be; its temp files in `scratch`."""
        failure = ""
        previous = tempfile.tempdir, os.environ.get("TMPDIR")
        tempfile.tempdir = os.environ["TMPDIR"] = str(scratch)  # the tasks' too
        try:
            with captured() as output:
                try:
                    step()
                except Exception as error:  # Copier's and git's errors alike: the repo fails
                    failure = describe(error)
        finally:
            tempfile.tempdir = previous[0]
            if previous[1] is None:
                os.environ.pop("TMPDIR", None)
            else:
                os.environ["TMPDIR"] = previous[1]
        return Result(1 if failure else 0, f"{output.text}\n{failure}".strip())


def describe(error: BaseException) -> str:
    """An error as `copier` prints it: its message, with git's output when git failed."""
    stderr = getattr(error, "stderr", None)
    text = str(error)
    return f"{text}\n{stderr}" if stderr and str(stderr) not in text else text


class Output:
    """What a block printed, read once the block is over."""

    text = ""


@contextmanager
def captured() -> Iterator[Output]:
    """What Copier and the tasks it runs print, captured as a `copier` process's output
    would be: file descriptors 1 and 2, Python's warnings too."""
    output = Output()
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    with tempfile.TemporaryFile("w+b") as file:
        os.dup2(file.fileno(), 1)
        os.dup2(file.fileno(), 2)
        caught: list[warnings.WarningMessage] = []
        try:
            with warnings.catch_warnings(record=True) as caught:
                yield output
        finally:
            for item in caught:  # printed as a process prints them
                sys.stderr.write(warnings.formatwarning(item.message, item.category,
                                                        item.filename, item.lineno))  # fmt: skip
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])
            file.seek(0)
            output.text = file.read().decode(errors="replace")
