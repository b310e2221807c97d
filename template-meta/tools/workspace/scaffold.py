"""Put every service of the manifest under services/<name>: clone it, or render it anew."""

from __future__ import annotations

import shutil
from pathlib import Path

from workspace import copier_cli, gitrepo
from workspace.manifest import Manifest, ServiceEntry, WorkspaceError, template_source

CLONE_TIMEOUT = 300


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


def scaffold_missing(manifest: Manifest, *, try_clone: bool) -> dict[str, str]:
    """Bring every missing service in; returns what happened to each service."""
    outcome = {}
    for service in manifest.services:
        dest = manifest.service_dir(service.name)
        if is_present(dest):
            outcome[service.name] = "present"
            continue
        if try_clone and clone(service, dest):
            if gitrepo.has_commits(dest):
                outcome[service.name] = f"cloned {service.repo} at {service.ref}"
                continue
            render(manifest, service)
            outcome[service.name] = f"rendered into the empty clone of {service.repo}"
            continue
        render(manifest, service)
        outcome[service.name] = "rendered from the templates"
    return outcome
