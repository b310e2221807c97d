"""`make import`: folders of an existing monorepo become service repos of the platform, with
their history, the kind's template adopted beside their code, and a manifest entry each.

Everything is checked before anything is written; each repo is then built in a scratch
folder under services/ and moved into place only once the meta-repo accepted the new
manifest, so a failure leaves no half-made service and no manifest change.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import tempfile
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workspace import adopt, gitrepo, history, suite_rules
from workspace.add_service import update_meta, update_others
from workspace.import_spec import ImportProblems, ImportSpec
from workspace.manifest import SERVICES_DIR, Manifest, WorkspaceError, template_source
from workspace.update import Outcome, ensure_ready, repos

# Rendering is CPU-bound Python: one worker process per core, forked once Copier is loaded.
PARALLEL = max(1, os.cpu_count() or 1)
Progress = Callable[[str], None]


@dataclass(frozen=True)
class Imported:
    spec: ImportSpec
    commits: int
    adoption: adopt.Adoption
    facts: dict[str, Any]  # what the report names: package, port, route, repo


@dataclass(frozen=True)
class Job:
    """What one worker needs to build one service repo in its scratch folder."""

    spec: ImportSpec
    source: history.Source
    template: Path
    version: str
    src_path: str
    answers: dict[str, Any]
    staged: Path
    facts: dict[str, Any]


def clone_template(src_path: str, dest: Path) -> Path:
    """One clone of the template for every render (Copier's own URL forms are accepted)."""
    from copier._vcs import get_repo  # Copier's reading of gh:, gl:, paths and bundles

    url = get_repo(src_path) or src_path
    try:
        gitrepo.git(dest.parent, "clone", "--quiet", str(url), str(dest), timeout=600)
    except WorkspaceError as error:
        raise WorkspaceError(f"cannot clone the template {src_path}: {error}") from None
    return dest


def facts(service: Any) -> dict[str, Any]:
    return {
        "package": service.python_package, "port": service.port, "route": service.route,
        "repo": service.repo,
    }  # fmt: skip


def check(
    manifest: Manifest, specs: list[ImportSpec], source: history.Source | None, model: Any
) -> tuple[dict[str, Any], list[str]]:
    """The resolved answers with every new entry, and every problem found."""
    problems = []
    taken = {service.name for service in manifest.services}
    for spec in specs:
        if spec.name in taken:
            problems.append(
                f"NAME {spec.name!r} is taken: {manifest.path.name} already has a service "
                f"{spec.name!r}; choose another name"
            )
        elif (manifest.service_dir(spec.name)).exists():
            problems.append(
                f"{SERVICES_DIR}/{spec.name} already exists: move it away or choose another name"
            )
        if source is not None:
            problem = history.folder_problem(source, spec.dir, spec.name)
            if problem:
                problems.append(problem)
    fresh = [spec for spec in specs if spec.name not in taken]
    resolved, rejected = suite_rules.judge(
        model, manifest.shared_answers(), [spec.entry() for spec in fresh]
    )
    problems += [f"{name}: {line}" for name, lines in rejected.items() for line in lines]
    return resolved, problems


def build(job: Job) -> Imported:
    """History, render and adoption of one service, all inside `job.staged` (a worker's job)."""
    spec = job.spec
    try:
        commits = history.extract(job.source, spec.dir, job.staged)
        with tempfile.TemporaryDirectory(prefix="polystack-render-") as tmp:
            rendered = Path(tmp) / spec.name
            adopt.render(
                job.template, job.version, job.src_path, job.answers, spec.kind, spec.name,
                rendered,
            )  # fmt: skip
            describe = f"{spec.kind} template {job.version}"
            origin = f"rendered for {spec.name}"
            adoption = adopt.adopt(job.staged, rendered, origin, describe)
    except WorkspaceError as error:
        raise WorkspaceError(f"{spec.name}: {error}") from None
    return Imported(spec, commits, adoption, job.facts)


def build_all(jobs: list[Job], progress: Progress) -> list[Imported]:
    """Build every repo, a few at a time, saying as each one is done."""
    done: dict[str, Imported] = {}

    def report(imported: Imported) -> None:
        done[imported.spec.name] = imported
        a = imported.adoption
        progress(
            f"[{len(done):>{len(str(len(jobs)))}}/{len(jobs)}] {imported.spec.name:<24} "
            f"{imported.commits} commits kept, {len(a.added)} files added, "
            f"{len(a.clashes)} clashes"
        )

    if len(jobs) == 1:
        report(build(jobs[0]))
    else:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(min(PARALLEL, len(jobs)), mp_context=context) as pool:
            futures: dict[Future[Imported], Job] = {pool.submit(build, job): job for job in jobs}
            for future in as_completed(futures):
                report(future.result())
    return [done[job.spec.name] for job in jobs]


def import_services(
    manifest: Manifest, url: str, specs: list[ImportSpec], ref: str | None,
    problems: list[str] | None = None, progress: Progress = print,
) -> tuple[list[Imported], list[Outcome]]:  # fmt: skip
    """Import `specs` from the repo at `url`; raises ImportProblems listing every problem."""
    problems = list(problems or [])
    targets = repos(manifest)
    ensure_ready(targets)
    template_src = template_source(manifest.root)
    services = manifest.root / SERVICES_DIR
    services.mkdir(exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".import-", dir=services))  # git-ignored there
    try:
        template = clone_template(template_src.url, scratch / "template")
        gitrepo.git(template, "checkout", "--quiet", template_src.ref)
        model = suite_rules.load_model(template)
        source = None
        try:
            source = history.clone_source(url, ref, scratch / "source.git")
        except WorkspaceError as error:
            problems.append(str(error))
        resolved, found = check(manifest, specs, source, model)
        problems += found
        if problems or source is None:
            raise ImportProblems(problems)
        progress(f"importing {len(specs)} service(s) from {url} at {source.ref} ({source.short})")
        import copier  # noqa: F401  loaded once, before the workers fork

        suite = model.build_suite(**resolved)
        jobs = [
            Job(spec, source, template, template_src.ref, template_src.url, resolved,
                scratch / "repos" / spec.name, facts(suite.service(spec.name)))
            for spec in specs
        ]  # fmt: skip
        imported = build_all(jobs, progress)
        meta = update_meta(manifest, resolved)
        for job in jobs:
            os.replace(job.staged, manifest.service_dir(job.spec.name))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    outcomes = [meta]
    if not meta.failed:
        outcomes += update_others(targets, Manifest.load(manifest.root))
    return imported, outcomes
