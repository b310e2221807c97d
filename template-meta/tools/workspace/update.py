"""`make update`: the meta-repo and every service repo brought to the newest release.

Each repo is updated in a throwaway clone of itself, never in place: Copier runs there, the
result is checked for what Copier settles silently (`audit`), and only then does it reach
the repo, as a branch `polystack/update-<version>` made from the current branch and
committed there. The user's branch and work tree stay as they were, so an interrupted run
leaves every repo untouched or holding its finished branch. A repo with conflicts is
switched to its branch, with the update's changes uncommitted for the user to resolve. A
preview (`dry_run`) stops before anything reaches a repo.
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workspace import audit, copier_cli, gitrepo, manifest_comments, releases, vocabulary
from workspace.copier_runs import Copier, Loading, copier_for
from workspace.manifest import (
    ANSWERS_FILE,
    MANIFEST_FILE,
    SERVICES_DIR,
    Manifest,
    ServiceEntry,
    TemplateSource,
    WorkspaceError,
    dump_answers,
    recorded_answers,
    template_source,
)

UPDATED, CURRENT, CONFLICTS, FAILED, BEHIND = (
    "updated", "already current", "conflicts", "failed", "behind",
)  # fmt: skip
WOULD_UPDATE, WOULD_CONFLICT, SCAFFOLDED, WOULD_SCAFFOLD, STRAY = (
    "would update", "would conflict", "scaffolded", "would scaffold", "not in the manifest",
)  # fmt: skip
BRANCH_PREFIX = "polystack/update-"
# Where Copier runs as a process per step, a few repos at once on a small machine.
PARALLEL = min(3, (os.cpu_count() or 1) + 1)


@dataclass
class Outcome:
    repo: str
    state: str
    files: list[str] = field(default_factory=list)
    detail: str = ""
    versions: list[str] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)
    conflicts: list[audit.Conflict] = field(default_factory=list)
    branch: str = ""

    @property
    def failed(self) -> bool:
        return self.state in (CONFLICTS, FAILED, WOULD_CONFLICT)


@dataclass(frozen=True)
class Job:
    """One repo to update: where it is, the answers it gets, the version it goes to."""

    name: str
    path: Path
    data: dict[str, Any]
    current: str
    target: str


def repos(manifest: Manifest) -> list[tuple[str, Path]]:
    """The meta-repo first, then every service in manifest order."""
    services = [(s.name, manifest.service_dir(s.name)) for s in manifest.services]
    return [(".", manifest.root), *services]


def ensure_ready(targets: list[tuple[str, Path]]) -> None:
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


def shared(answers: dict[str, Any]) -> dict[str, Any]:
    return {key: answers[key] for key in vocabulary.shared_keys() if key in answers}


def manifest_changed(root: Path) -> bool:
    """Whether polystack.yml was committed since Copier last rendered the meta-repo (the
    last commit touching the answers file): the meta-repo's answers then need replaying."""
    last = gitrepo.git(root, "log", "-1", "--format=%H", "--", ANSWERS_FILE, check=False).strip()
    if not last:
        return True
    return bool(gitrepo.git(root, "rev-list", f"{last}..HEAD", "--", MANIFEST_FILE).strip())


def is_current(job: Job) -> bool:
    """Skipped without running Copier: at the newest release, with the manifest's answers."""
    if job.current != job.target:
        return False
    if job.name == ".":
        return not manifest_changed(job.path)
    return shared(recorded_answers(job.path)) == shared(job.data)


def service_names(manifest: Manifest) -> list[str]:
    raw = manifest.answers.get("services")
    return [str(s["name"]) for s in raw if isinstance(s, dict) and "name" in s] if raw else []


def update_repo(name: str, path: Path, data_file: Path, vcs_ref: str | None = None) -> Outcome:
    """`copier update` in place, the changes left uncommitted (`make import` re-renders the
    existing repos this way at their version, in the same step as the new repos arrive)."""
    result = copier_cli.update(path, data_file, vcs_ref)
    conflicts = gitrepo.conflicted_files(path)
    if conflicts:
        return Outcome(name, CONFLICTS, conflicts)
    if not result.ok:
        return Outcome(name, FAILED, detail=result.tail())
    changed = gitrepo.changed_paths(path)
    return Outcome(name, UPDATED, changed) if changed else Outcome(name, CURRENT)


# --- one repo, in a throwaway clone --------------------------------------------------------


@dataclass
class Prepared:
    """A repo's update, done in its clone, waiting to reach the repo."""

    job: Job
    outcome: Outcome
    clone: Path | None = None
    base: str = ""


def prepare(job: Job, template: releases.Template, work: Path, copier: Copier) -> Prepared:
    """Update a clone of the repo; never raises for a problem of this repo alone."""
    try:
        return _prepare(job, template, work, copier)
    except WorkspaceError as error:
        return Prepared(job, Outcome(job.name, FAILED, detail=str(error)))


def _prepare(job: Job, template: releases.Template, work: Path, copier: Copier) -> Prepared:
    slot = work / (job.name.replace("/", "_") if job.name != "." else "meta")
    slot.mkdir()
    # Objects packed anew, not linked: git refreshes the times of shared ones, and a pack is
    # a few files to write and remove where loose objects are hundreds; no sample hooks.
    clone = slot / "repo"
    gitrepo.git(slot, "clone", "--quiet", "--no-local", "--template=", str(job.path), str(clone))
    base = gitrepo.git(clone, "rev-parse", "HEAD").strip()
    versions = releases.crossed(template.versions, job.current, job.target)
    notes = template.release_notes(job.current, job.target)
    outcome = Outcome(job.name, UPDATED, detail=f"{job.current} -> {job.target}",
                      versions=versions, notes=notes)  # fmt: skip

    # What the user started from: the recorded release, rendered with the recorded answers.
    old_dir = slot / "old"
    answers = recorded_answers(job.path)
    recorded = {k: v for k, v in answers.items() if not k.startswith("_")}
    url = str(answers.get("_src_path") or template.source)
    rendered = copier.render_release(url, job.current, recorded, old_dir, job.target)
    if not rendered.ok:
        outcome.state, outcome.detail = FAILED, rendered.text()
        return Prepared(job, outcome)
    old_tree = audit.tree_of(clone, old_dir)
    old, before = audit.entries(clone, old_tree), audit.entries(clone, base)
    put_back = audit.to_put_back(clone, old, before)
    # The manifest is the meta-repo's answers and Copier renders it from them: its edits
    # reach the update as answers, so the file starts from the old release's render.
    from_answers = {
        path: old[path]
        for path in (MANIFEST_FILE,)
        if path in old and before.get(path) != old[path]
    }
    for path, entry in {**put_back, **from_answers}.items():
        audit.restore(clone, path, entry)
    if put_back or from_answers:  # Copier updates a clean tree only: a commit, undone below
        gitrepo.commit_all(clone, "the old release's version of files to check")

    result = copier.update(clone, job.data, job.target)
    if not result.ok and not gitrepo.conflicted_files(clone):
        outcome.state, outcome.detail = FAILED, result.text()
        return Prepared(job, outcome)
    outcome.conflicts = audit.check(clone, old, before, old_tree, base, set(put_back))
    if from_answers and MANIFEST_FILE in before and (clone / MANIFEST_FILE).is_file():
        outcome.conflicts += carry_manifest_comments(clone, old[MANIFEST_FILE],
                                                     before[MANIFEST_FILE])  # fmt: skip
    gitrepo.git(clone, "reset", "--quiet", "--mixed", base)  # the work tree holds the update
    status = gitrepo.status(clone)
    outcome.conflicts += [audit.Conflict(p, "both changed it: resolve the marked lines")
                          for p in status.conflicted]  # fmt: skip
    outcome.files = status.changed
    if outcome.conflicts:
        outcome.state = CONFLICTS
    elif not outcome.files:
        outcome.state = CURRENT
    return Prepared(job, outcome, clone, base)


def carry_manifest_comments(
    clone: Path, old: audit.Entry, mine: audit.Entry
) -> list[audit.Conflict]:
    """The user's comments in the manifest, which Copier renders anew from the answers."""
    path = clone / MANIFEST_FILE
    kept, lost = manifest_comments.carry(
        audit.blob(clone, old.sha).decode(), audit.blob(clone, mine.sha).decode(),
        path.read_text(),
    )  # fmt: skip
    path.write_text(kept)
    if not lost:
        return []
    return [
        audit.Conflict(
            MANIFEST_FILE,
            "the update renders it from its answers and could not place these comments of "
            "yours: put them back where they belong",
            "\n".join(lost),
        )
    ]


# --- reaching the repo ---------------------------------------------------------------------


@contextmanager
def interrupt_deferred() -> Iterator[None]:
    """Ctrl-C waits until the repo at hand is fully updated, then stops the run."""
    received: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: received.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if received:
            raise KeyboardInterrupt


def free_branch(repo: Path, version: str) -> str:
    """A branch name no local branch or fetched remote branch has yet."""
    branch = f"{BRANCH_PREFIX}{version}"
    refs = gitrepo.git(repo, "for-each-ref", "--format=%(refname)", "refs/heads", "refs/remotes")
    taken = {ref.split("/", 3)[-1] if ref.startswith("refs/remotes/") else ref[len("refs/heads/"):]
             for ref in refs.split()}  # fmt: skip
    suffix = 2
    name = branch
    while name in taken:
        name, suffix = f"{branch}-{suffix}", suffix + 1
    return name


def commit_message(outcome: Outcome, target: str) -> str:
    crossed = ", ".join(outcome.versions) or f"none (the manifest's answers at {target})"
    lines = [f"Update to Polystack {target}", "", f"Versions crossed: {crossed}"]
    for version, notes in outcome.notes.items():
        lines += ["", f"## {version}", "", notes or "(no release notes)"]
    return "\n".join(lines)


def land(
    prepared: Prepared, identity: Callable[[Path], list[str]] = gitrepo.identity_args
) -> Outcome:
    """Bring a prepared update to its repo, on a branch of its own; `identity` gives the
    `-c user.*` options of the commit made in its clone."""
    outcome, job, clone = prepared.outcome, prepared.job, prepared.clone
    if clone is None or outcome.state in (CURRENT, FAILED):
        return outcome
    outcome.branch = free_branch(job.path, job.target)
    if outcome.state == UPDATED:
        gitrepo.git(clone, "add", "--all")
        gitrepo.git(clone, *identity(clone), "commit", "--quiet", "--no-verify",
                    "-m", commit_message(outcome, job.target))  # fmt: skip
        gitrepo.git(job.path, "fetch", "--quiet", "--no-tags", str(clone),
                    f"HEAD:refs/heads/{outcome.branch}")  # fmt: skip
        return outcome
    # Conflicts: the repo moves to the branch, the update's changes uncommitted in it.
    gitrepo.git(job.path, "switch", "--quiet", "--create", outcome.branch, prepared.base)
    for path in outcome.files:
        source, target = clone / path, job.path / path
        if source.is_file() or source.is_symlink():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target, follow_symlinks=False)
        elif target.is_file() or target.is_symlink():
            target.unlink()
    return outcome


# --- the whole workspace -------------------------------------------------------------------


def update_all(
    root: Path, *, check: bool = False, dry_run: bool = False, answers: dict[str, Any] | None = None
) -> list[Outcome]:
    """Update every repo; `answers` stands for the manifest's (a service being added)."""
    manifest = Manifest.load(root)
    if answers is not None:
        manifest = Manifest(root, answers)
    names = service_names(manifest)
    present = [(n, manifest.service_dir(n)) for n in names if manifest.service_dir(n).exists()]
    manifest = with_inferred_auth(manifest, present)
    # A service the meta-repo already had is cloned by `make bootstrap`; a new one is rendered.
    known = set(service_names(Manifest(root, recorded_answers(root))))
    not_cloned = [(n, manifest.service_dir(n)) for n in names if n in known]
    if not check:
        ensure_ready(list(dict([(".", root), *present, *not_cloned]).items()))
    with tempfile.TemporaryDirectory(prefix="polystack-update.") as tmp:
        work = Path(tmp)
        with releases.open_template(template_source(root).url, work) as template:
            if template.latest is None:
                raise WorkspaceError(
                    f"the template source {template.source} has no release: no PEP 440 tag, "
                    f"and no {releases.RELEASES_FILE} naming a commit it holds"
                )
            if check:
                return check_all(manifest, present, template.latest, template)
            return _update_all(manifest, present, template, work, dry_run, answers is not None)


# A service that answered `auth` before the manifest shared it: `jwt` is now `oidc`.
SIGNED_IN = {"jwt": "oidc", "oidc": "oidc"}


def with_inferred_auth(manifest: Manifest, present: list[tuple[str, Path]]) -> Manifest:
    """A manifest written before `auth` was shared takes it from its services, so that an
    update never turns off the sign-in of a service that has it; the choice is printed."""
    if "auth" in manifest.answers:
        return manifest
    signed_in = [n for n, path in present if recorded_answers(path).get("auth") in SIGNED_IN]
    if not signed_in:
        return manifest
    print(
        f"{MANIFEST_FILE} names no `auth`, and {', '.join(signed_in)} signed people in: this "
        "update uses `auth: oidc` for the platform (add `auth: oidc` or `auth: none` to "
        f"{MANIFEST_FILE} to choose)",
        flush=True,
    )
    return Manifest(manifest.root, {**manifest.answers, "auth": "oidc"})


def job_for(name: str, path: Path, data: dict[str, Any], target: str) -> Job:
    current = str(recorded_answers(path).get("_commit", "?"))
    return Job(name, path, data, current, target)


def check_all(
    manifest: Manifest, present: list[tuple[str, Path]], latest: str, template: releases.Template
) -> list[Outcome]:
    """Which repos an update would touch, from the recorded answers alone: nothing renders."""
    data = manifest.shared_answers()
    outcomes = []
    for name, path in [(".", manifest.root), *present]:
        if not gitrepo.is_repo(path):
            outcomes.append(Outcome(name, FAILED, detail="not a git repo: run `make bootstrap`"))
            continue
        job = job_for(name, path, data, latest)
        versions = releases.crossed(template.versions, job.current, latest)
        if job.current != latest:
            outcomes.append(Outcome(name, BEHIND, detail=f"{job.current} -> {latest}",
                                    versions=versions))  # fmt: skip
        elif not is_current(job):
            outcomes.append(Outcome(name, BEHIND, detail="the manifest's answers changed"))
        else:
            outcomes.append(Outcome(name, CURRENT, detail=latest))
    missing = [n for n in service_names(manifest) if n not in dict(present)]
    outcomes += [Outcome(n, BEHIND, detail="not scaffolded yet") for n in missing]
    return outcomes


def _update_all(
    manifest: Manifest,
    present: list[tuple[str, Path]],
    template: releases.Template,
    work: Path,
    dry_run: bool,
    new_answers: bool = False,
) -> list[Outcome]:
    assert template.latest is not None
    latest = template.latest
    meta = job_for(".", manifest.root, manifest.shared_answers(), latest)
    # The meta-repo first: its render resolves the manifest (ports, routes of new entries).
    # Copier is loaded only for a repo to update: a run with nothing to do never loads it.
    copier: Loading | None = None
    if new_answers or not is_current(meta):
        copier = Loading(template, work, [meta.current, latest])
    try:
        return _update_repos(manifest, present, template, work, dry_run, new_answers, meta,
                             copier)  # fmt: skip
    finally:
        if copier is not None:
            copier.wait()


def _update_repos(
    manifest: Manifest,
    present: list[tuple[str, Path]],
    template: releases.Template,
    work: Path,
    dry_run: bool,
    new_answers: bool,
    meta: Job,
    copier: Copier | None,
) -> list[Outcome]:
    latest = meta.target
    first = prepare(meta, template, work, copier) if copier else None
    prepared = [first] if first else []
    resolved = manifest
    if first and first.clone and first.outcome.state != FAILED:
        try:  # the manifest as the update renders it, for the repos of this workspace
            resolved = Manifest(manifest.root, Manifest.load(first.clone).answers)
        except WorkspaceError as error:
            first.outcome.state, first.outcome.detail = FAILED, str(error)
            resolved = Manifest.load(manifest.root)
    elif first and new_answers:
        return finish(prepared, dry_run)  # the new entry was rejected: nothing else to do
    elif first:
        resolved = Manifest.load(manifest.root)  # the services follow the committed one
    try:
        entries = {s.name: s for s in resolved.services}
    except WorkspaceError as error:
        return finish(prepared, dry_run) + [
            Outcome(n, FAILED, detail=f"not updated: {error}") for n, _ in present
        ]
    data = resolved.shared_answers()
    jobs = [job_for(n, p, data, latest) for n, p in present if n in entries]
    todo = [job for job in jobs if not is_current(job)]
    if todo:
        prepared += prepare_all(todo, template, work, copier or copier_for(template, work))
    outcomes = finish(prepared, dry_run)
    if first is None:
        outcomes.insert(0, Outcome(".", CURRENT))
    done = {o.repo for o in outcomes}
    outcomes += [Outcome(j.name, CURRENT) for j in jobs if j.name not in done]
    present_names = dict(present)
    new = [service for name, service in entries.items() if name not in present_names]
    outcomes += scaffold_new(resolved, new, template, work, dry_run)
    outcomes += [
        Outcome(n, STRAY, detail=f"remove it once its work is moved: rm -rf {SERVICES_DIR}/{n}")
        for n in strays(manifest.root, entries)
    ]
    return outcomes


def prepare_all(
    todo: list[Job], template: releases.Template, work: Path, copier: Copier
) -> list[Prepared]:
    if not copier.parallel:
        return [prepare(job, template, work, copier) for job in todo]
    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        futures = [pool.submit(prepare, job, template, work, copier) for job in todo]
        try:
            return [future.result() for future in futures]
        except KeyboardInterrupt:
            pool.shutdown(wait=True, cancel_futures=True)
            raise


def strays(root: Path, entries: dict[str, ServiceEntry]) -> list[str]:
    """Service repos under services/ that the manifest no longer names (renamed, removed)."""
    folder = root / SERVICES_DIR
    found = folder.iterdir() if folder.is_dir() else iter(())
    return sorted(p.name for p in found if p.name not in entries and gitrepo.is_repo(p))


def finish(prepared: list[Prepared], dry_run: bool) -> list[Outcome]:
    if dry_run:
        for item in prepared:
            item.outcome.state = {UPDATED: WOULD_UPDATE, CONFLICTS: WOULD_CONFLICT}.get(
                item.outcome.state, item.outcome.state
            )
        return [item.outcome for item in prepared]
    outcomes = []
    identities: list[list[str]] = []  # the clones share git's configuration: asked once

    def identity(clone: Path) -> list[str]:
        if not identities:
            identities.append(gitrepo.identity_args(clone))
        return identities[0]

    for item in prepared:
        with interrupt_deferred():
            try:
                outcomes.append(land(item, identity))
            except WorkspaceError as error:
                outcomes.append(Outcome(item.job.name, FAILED, detail=str(error)))
    return outcomes


def scaffold_new(
    manifest: Manifest, new: list[ServiceEntry], template: releases.Template, work: Path,
    dry: bool,
) -> list[Outcome]:  # fmt: skip
    """Services new in the manifest: rendered at the newest release, each with its first
    commit."""
    wheres = {s.name: f"{s.kind} at {s.route}, port {s.port}" for s in new}
    if dry or not new:
        return [Outcome(s.name, WOULD_SCAFFOLD, detail=wheres[s.name]) for s in new]
    from workspace.renderer import Renderer  # only rendering needs Copier loaded

    assert template.latest is not None
    data = dump_answers(manifest.shared_answers(), work / "new-services.yml")
    source = TemplateSource(template_source(manifest.root).url, template.latest)
    outcomes = []
    with interrupt_deferred(), Renderer(clone_from=str(template.path), workdir=work) as renderer:
        for service in new:
            dest = manifest.service_dir(service.name)
            try:
                renderer.copy(source, dest, data, service.kind, service.name)
            except WorkspaceError as error:
                shutil.rmtree(dest, ignore_errors=True)
                outcomes.append(Outcome(service.name, FAILED, detail=str(error)))
                continue
            outcomes.append(Outcome(service.name, SCAFFOLDED, detail=wheres[service.name]))
    return outcomes


# --- the summary ---------------------------------------------------------------------------


def report(outcomes: list[Outcome]) -> str:
    lines = []
    for outcome in outcomes:
        line = f"{outcome.repo:<24} {outcome.state}"
        if outcome.versions and outcome.state != FAILED:
            line += f" ({outcome.detail}, crosses {', '.join(outcome.versions)})"
        elif outcome.detail and outcome.state != FAILED:
            line += f" ({outcome.detail})"
        if outcome.branch:
            line += f" on {outcome.branch}"
        lines.append(line)
        conflicted = {c.path for c in outcome.conflicts}
        for conflict in outcome.conflicts:
            lines.append(f"    {conflict.path}: {conflict.reason}")
            lines.extend(f"      {text}" for text in conflict.diff.splitlines())
        lines.extend(f"    {path}" for path in outcome.files if path not in conflicted)
        if outcome.state == FAILED and outcome.detail:
            lines.extend(f"    | {text}" for text in outcome.detail.splitlines())
    return "\n".join(lines)


def release_notes(outcomes: list[Outcome]) -> str:
    blocks = []
    for outcome in outcomes:
        for version, notes in outcome.notes.items():
            body = "\n".join(f"    {line}" for line in (notes or "(no release notes)").splitlines())
            blocks.append(f"{outcome.repo}: release notes of {version}\n{body}")
    return "\n\n".join(blocks)


def next_steps(outcomes: list[Outcome]) -> str:
    """How to review, merge or drop each repo's update branch (from the meta-repo)."""
    lines = []
    for outcome in outcomes:
        if not outcome.branch:
            continue
        git = "git" if outcome.repo == "." else f"git -C {SERVICES_DIR}/{outcome.repo}"
        branch = outcome.branch
        if outcome.state == CONFLICTS:
            lines.append(
                f"{outcome.repo}: now on {branch}; resolve the files named above, then "
                f"`{git} commit -am 'Resolve the update'`, `{git} switch -` and "
                f"`{git} merge {branch}`; to drop it: `{git} switch -f -` and "
                f"`{git} branch -D {branch}`"
            )
        else:
            lines.append(
                f"{outcome.repo}: review `{git} log -p ..{branch}`, merge `{git} merge {branch}`,"
                f" or drop `{git} branch -D {branch}`"
            )
    return "\n".join(lines)


# --- one repo, in CI -------------------------------------------------------------------------


def update_here(root: Path) -> Outcome:
    """Update the repo at `root` alone (the meta-repo, or a service repo on its own), for a
    pull request: conflicts are committed with their markers, for the review to resolve."""
    ensure_ready([(".", root)])
    is_meta = (root / MANIFEST_FILE).is_file()
    data = Manifest.load(root).shared_answers() if is_meta else shared(recorded_answers(root))
    with tempfile.TemporaryDirectory(prefix="polystack-update.") as tmp:
        work = Path(tmp)
        with releases.open_template(template_source(root).url, work) as template:
            if template.latest is None:
                raise WorkspaceError(f"the template source {template.source} has no release")
            job = job_for(".", root, data, template.latest)
            if is_current(job):
                return Outcome(".", CURRENT, detail=template.latest)
            prepared = prepare(job, template, work, copier_for(template, work))
            if prepared.outcome.files == [ANSWERS_FILE]:
                prepared.outcome.state = CURRENT
                prepared.outcome.detail = "only the answers file would change"
                return prepared.outcome
            if prepared.outcome.state == CONFLICTS:
                prepared.outcome.state = UPDATED  # committed, markers and all
            with interrupt_deferred():
                outcome = land(prepared)
            if prepared.outcome.conflicts:
                outcome.state = CONFLICTS
            return outcome


def pull_request_body(outcome: Outcome) -> str:
    """The pull request's text: the versions crossed, their notes, every conflict."""
    crossed = ", ".join(outcome.versions) or "none: the manifest's answers changed"
    lines = [f"Versions crossed: {crossed}."]
    if outcome.conflicts:
        lines += ["", "## Conflicts to resolve before merging", ""]
        for conflict in outcome.conflicts:
            lines.append(f"- `{conflict.path}`: {conflict.reason}")
            if conflict.diff:
                lines += ["", "  ```diff", *(f"  {t}" for t in conflict.diff.splitlines()),
                          "  ```"]  # fmt: skip
    for version, notes in outcome.notes.items():
        lines += ["", f"## Release notes of {version}", "", notes or "(no release notes)"]
    return "\n".join(lines) + "\n"
