"""Put every service of the manifest under services/<name>: clone it, or render it anew."""

from __future__ import annotations

import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from workspace import gitrepo
from workspace.manifest import Manifest, ServiceEntry, WorkspaceError, template_source

if TYPE_CHECKING:
    from workspace.renderer import Renderer

CLONE_TIMEOUT = 300
# Clones wait on git and the network more than on the CPU: run a few at once.
PARALLEL = min(4, (os.cpu_count() or 1) + 1)
RENDERED = "rendered from the templates"


def is_present(path: Path) -> bool:
    return path.is_dir() and any(path.iterdir())


def render(manifest: Manifest, service: ServiceEntry, renderer: Renderer) -> None:
    """Render a service repo with the shared answers; its first commit follows."""
    renderer.copy(
        template_source(manifest.root), manifest.service_dir(service.name), manifest.path,
        service.kind, service.name,
    )  # fmt: skip


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


def cloned(manifest: Manifest, service: ServiceEntry) -> str | None:
    """What cloning did; None when the service is still to be rendered: there was nothing to
    clone, or an empty remote whose clone it is rendered into."""
    dest = manifest.service_dir(service.name)
    if clone(service, dest) and gitrepo.has_commits(dest):
        return f"cloned {service.repo} at {service.ref}"
    return None


def scaffold_missing(manifest: Manifest, *, try_clone: bool) -> dict[str, str]:
    """Bring every missing service in (clones a few at a time, then renders one after the
    other in this process); says what happened to each."""
    from workspace.renderer import Renderer  # only rendering needs Copier loaded

    services = manifest.services
    missing = [s for s in services if not is_present(manifest.service_dir(s.name))]
    done: dict[str, str | None] = {s.name: None for s in missing}
    if try_clone and missing:
        with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
            jobs = {s.name: pool.submit(cloned, manifest, s) for s in missing}
        done = {name: job.result() for name, job in jobs.items()}
    to_render = [s for s in missing if done[s.name] is None]
    if to_render:
        with Renderer() as renderer:
            for service in to_render:
                empty_clone = gitrepo.is_repo(manifest.service_dir(service.name))
                render(manifest, service, renderer)
                done[service.name] = (
                    f"rendered into the empty clone of {service.repo}" if empty_clone else RENDERED
                )
    return {s.name: done.get(s.name) or "present" for s in services}
