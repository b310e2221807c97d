"""Put every service of the manifest under services/<name>: clone it, or render it anew."""

from __future__ import annotations

import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from workspace import copier_cli, gitrepo
from workspace.manifest import Manifest, ServiceEntry, WorkspaceError, template_source

CLONE_TIMEOUT = 300
# Clones and renders wait on git and disk more than on the CPU: run a few at once.
PARALLEL = min(4, (os.cpu_count() or 1) + 1)


def is_present(path: Path) -> bool:
    return path.is_dir() and any(path.iterdir())


def render(manifest: Manifest, service: ServiceEntry, data_file: Path | None = None) -> None:
    """Render a service repo with the shared answers and give it its first commit."""
    dest = manifest.service_dir(service.name)
    result = copier_cli.copy_service(
        template_source(manifest.root), dest, data_file or manifest.path,
        service.kind, service.name,
    )  # fmt: skip
    if not result.ok:
        raise WorkspaceError(f"rendering {service.name} failed:\n{result.tail()}")
    if not gitrepo.is_repo(dest) or not gitrepo.has_commits(dest):
        gitrepo.commit_all(dest, "Initial commit from Polystack")


def clone(service: ServiceEntry, dest: Path) -> bool:
    """Clone the service's repo at its pinned ref; False when there is nothing to clone."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        gitrepo.git(dest.parent, "clone", "--quiet", service.repo, str(dest), timeout=CLONE_TIMEOUT)
    except (WorkspaceError, OSError):
        shutil.rmtree(dest, ignore_errors=True)
        return False
    if not gitrepo.has_commits(dest):
        return True  # an empty remote: the caller renders into it, keeping the remote
    gitrepo.git(dest, "checkout", "--quiet", service.ref)
    return True


def bring_in(manifest: Manifest, service: ServiceEntry, try_clone: bool) -> str:
    """Clone or render one missing service; says which it did."""
    dest = manifest.service_dir(service.name)
    if try_clone and clone(service, dest):
        if gitrepo.has_commits(dest):
            return f"cloned {service.repo} at {service.ref}"
        render(manifest, service)
        return f"rendered into the empty clone of {service.repo}"
    render(manifest, service)
    return "rendered from the templates"


def scaffold_missing(manifest: Manifest, *, try_clone: bool) -> dict[str, str]:
    """Bring every missing service in, a few at a time; says what happened to each."""
    services = manifest.services
    missing = [s for s in services if not is_present(manifest.service_dir(s.name))]
    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        jobs = {s.name: pool.submit(bring_in, manifest, s, try_clone) for s in missing}
    return {s.name: jobs[s.name].result() if s.name in jobs else "present" for s in services}
