"""What `make import` tells the user about each imported service, and what to do next."""

from __future__ import annotations

from typing import Any

from workspace.adopt import Adoption
from workspace.manifest import ANSWERS_FILE, SERVICES_DIR

GUIDE = "docs/migrating.md"
# Files whose clash leaves the template's tooling without what it expects, and what to do.
BACKEND_HINTS = {
    "pyproject.toml": "merge the template's dependencies and tool settings (ruff, mypy, "
    "pytest) into yours, then `uv lock`: `make check` and the Dockerfile run from them",
    "Dockerfile": "the template's builds with uv and runs `python -m {package} serve` as a "
    "non-root user with a health check; carry over what yours needs, or keep yours and "
    "make it serve on port {port} under {route}",
    "README.md": "add the template's sections (commands, configuration) to yours",
    "Makefile": "`make check` is what CI runs: give yours the template's targets",
}
FRONTEND_HINTS = {
    "package.json": "merge the template's scripts (lint, typecheck, test, build) and "
    "dependencies into yours, then `pnpm install` to refresh pnpm-lock.yaml",
    "Dockerfile": "the template's runs the standalone build (`node server.js`) on port "
    "{port}; carry over what yours needs, or keep yours",
    "README.md": "add the template's sections (commands, configuration) to yours",
    "next.config.ts": "keep the template's basePath ({route}) and `output: 'standalone'`: "
    "the route behind Traefik and the image need them",
    "Makefile": "`make check` is what CI runs: give yours the template's targets",
}


def _hints(kind: str, adoption: Adoption, facts: dict[str, Any]) -> list[str]:
    hints = BACKEND_HINTS if kind == "backend" else FRONTEND_HINTS
    return [f"{path}: {hints[path].format(**facts)}" for path in adoption.clashes if path in hints]


def next_steps(name: str, kind: str, adoption: Adoption, facts: dict[str, Any]) -> list[str]:
    repo = f"{SERVICES_DIR}/{name}"
    if kind == "backend":
        steps = [
            f"the template's service is the package src/{facts['package']}/ (`python -m "
            f"{facts['package']} serve`, port {facts['port']}, route {facts['route']}): the "
            "Dockerfile, compose.yaml, k8s/ and the meta-repo's Procfile start it. Move your "
            "routes into it, or make it serve your app (its app.py builds the FastAPI app)",
        ]
    else:
        steps = [
            f"the template's Next.js pages were added beside yours where a path was free "
            f"(served under {facts['route']} on port {facts['port']}); delete the ones you do "
            "not want: an update keeps the deletion",
        ]
    steps += _hints(kind, adoption, facts)
    steps += [
        f"run `make setup check` in {repo} until it passes, then commit there",
        f"push it: git -C {repo} remote add origin {facts['repo']} && "
        f"git -C {repo} push -u origin main",
        "review and commit the meta-repo's changes (polystack.yml, compose, Traefik, "
        f"Kubernetes, docs); {GUIDE} goes through every file",
    ]
    return steps


def service_report(
    name: str, kind: str, folder: str, commits: int, adoption: Adoption, facts: dict[str, Any]
) -> str:
    repo = f"{SERVICES_DIR}/{name}"
    lines = [
        f"{name} ({kind}, from {folder})",
        f"  commits kept: {commits} (authors, dates and messages as in the source)",
        f"  files added by the template: {len(adoption.added)} (with {ANSWERS_FILE}); "
        f"list them: git -C {repo} show --stat HEAD",
    ]
    if adoption.same:
        lines.append(f"  already as the template writes them: {', '.join(adoption.same)}")
    if adoption.clashes:
        lines.append("  clashes: your file is kept; compare it with the template's:")
        width = max(len(path) for path in adoption.clashes)
        lines += [
            f"    {path:<{width}}  {adoption.compare_command(repo, path)}"
            for path in adoption.clashes
        ]
    else:
        lines.append("  clashes: none")
    lines.append("  next steps:")
    lines += [f"    - {step}" for step in next_steps(name, kind, adoption, facts)]
    return "\n".join(lines)
