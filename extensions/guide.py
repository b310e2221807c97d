"""What a newcomer to a generated repo needs to know, stated once per kind of repo.

The README, AGENTS.md and CONTRIBUTING.md of every generated repo render these facts, so
they cannot disagree: the make targets and what they do, where things live, and what must
never be committed. Paths may name `{package}`, the backend's Python package.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    """One or more make targets (with their arguments) and what they do."""

    targets: tuple[str, ...]
    does: str

    @property
    def names(self) -> tuple[str, ...]:
        """The bare target names, as `make help` lists them."""
        return tuple(target.split()[0] for target in self.targets)

    @property
    def usage(self) -> str:
        """'`make lint` / `make fmt`', for a sentence or a table cell."""
        return " / ".join(f"`make {target}`" for target in self.targets)


@dataclass(frozen=True)
class Guide:
    """The facts of one kind of repo."""

    check: str  # the one command that runs what CI runs
    commands: tuple[Command, ...]
    layout: tuple[tuple[str, str], ...]  # (path, what it holds)
    never_commit: tuple[tuple[str, str], ...]  # (a path git ignores, why it stays out)
    conventions: tuple[str, ...]

    def for_package(self, package: str) -> Guide:
        """The same facts with `{package}` filled in."""
        return Guide(
            check=self.check,
            commands=self.commands,
            layout=tuple((path.format(package=package), what) for path, what in self.layout),
            never_commit=self.never_commit,
            conventions=self.conventions,
        )


def _commands(*rows: tuple[str, str]) -> tuple[Command, ...]:
    return tuple(Command(tuple(t.strip() for t in targets.split(" / ")), does)
                 for targets, does in rows)  # fmt: skip


# Every repo runs its pull-request workflows locally (its README says how).
_CI_LOCAL = ("ci-local", "the pull-request workflows with act in Docker, else their Make targets")
# Every repo checks its commit messages as CI does (its hook checks each one as it is made).
_COMMITS_CHECK = (
    "commits-check FROM=origin/dev",
    "check that every commit since FROM is a Conventional Commit, as CI does",
)
# Every repo keeps these out of git (its .gitignore says so; a test holds it to that).
_SECRETS = (".env", "local settings and secrets: copy `.env.example`, which lists every variable")
_SHARED_CONVENTIONS = (
    "Branch off `dev` (`feat/...`, `fix/...`); pull requests go into `dev`, and `dev` into "
    "`main` for a release.",
    "Commit messages follow Conventional Commits (`feat:`, `fix:`, `docs:`, `chore:`; `!` for "
    "a breaking change): releases and the changelog are computed from them.",
    "Secrets never go into a file of the repository: locally in `.env`, in CI in GitHub "
    "secrets, in a cluster in Secrets.",
    "Files generated from the template follow it on `copier update`: keep edits to them "
    "small, and put decisions of your own in `docs/adr/` (numbered from 0100).",
)

GUIDES: dict[str, Guide] = {
    "backend": Guide(
        check="make check",
        commands=_commands(
            ("setup", "`uv sync --locked`, and the git hooks in a git checkout"),
            ("dev", "apply migrations, then serve with auto-reload on `HOST:PORT`"),
            ("lint / fmt", "ruff lint and format check / format and fix"),
            ("typecheck", "mypy in strict mode"),
            ("test", "pytest with coverage (at least 80%, enforced)"),
            (
                "openapi / openapi-check",
                "write `openapi.json` / fail when it or `schemas/` is stale",
            ),
            ("schemas", "write the change events' JSON Schemas (`schemas/`) from the code"),
            ("migrate", "apply the migrations to `DATABASE_URL` (once, under a lock)"),
            (
                "check",
                "lint, typecheck, test: everything CI runs (tests fail when `openapi.json` "
                "or `schemas/` is stale, as openapi-check does)",
            ),
            _COMMITS_CHECK,
            _CI_LOCAL,
            (
                "bench",
                "the service as shipped against a bare FastAPI app on the same database: "
                "req/s, p50, p99 and their ratio",
            ),
            (
                "bench-events",
                "change events across two replicas on nats-server: delivered/s against "
                "writes/s, write-to-delivery p50 and p99",
            ),
            (
                "deploy-manifest OVERLAY=staging TAG=sha-1a2b3c4",
                "print what a deploy applies: an overlay at an image tag",
            ),
        ),
        layout=(
            ("src/{package}/api/", "the HTTP routes"),
            ("src/{package}/services/", "the business logic the routes call"),
            ("src/{package}/models/", "SQLAlchemy tables"),
            ("src/{package}/schemas/", "the request and response models (pydantic)"),
            ("src/{package}/migrations/", "Alembic migrations"),
            ("tests/", "pytest: unit, API, contract and migration tests"),
            ("openapi.json", "the committed API document (`make openapi` writes it)"),
            ("schemas/", "the change events' JSON Schemas, versioned (`make schemas` writes them)"),
            ("k8s/", "Kubernetes: `base` and the `dev`, `staging` and `prod` overlays"),
            (".github/workflows/", "CI, image, release and deploy workflows"),
            ("docs/", "deployment guide and architecture decisions (`docs/adr/`)"),
        ),
        never_commit=(
            _SECRETS,
            ("data/", "the local SQLite database"),
            (".venv/", "the virtualenv `make setup` creates"),
            ("coverage.xml", "test reports"),
        ),
        conventions=(
            "After changing the API, run `make openapi` and commit `openapi.json` with the "
            "code; the frontends are typed from it. After changing an event's model, run "
            "`make schemas` and commit `schemas/`; a change that is not backwards compatible "
            "is a new version.",
            "Every schema change is an Alembic migration "
            '(`uv run alembic revision --autogenerate -m "..."`) that the previous release '
            "can run against: deploys migrate forward only.",
            *_SHARED_CONVENTIONS,
        ),
    ),
    "frontend": Guide(
        check="make check",
        commands=_commands(
            ("setup", "install the dependencies exactly as locked, and the git hooks (pre-commit)"),
            ("dev", "dev server with hot reload on `DEV_HOST:DEV_PORT`"),
            ("mock-api", "mock backend from `openapi.json` on `MOCK_API_PORT` (4010)"),
            ("lint / fmt", "ESLint (Next's rules) and Prettier: check / fix"),
            ("typecheck", "`tsc --noEmit`, strict, with Next's generated route types"),
            (
                "test",
                "Vitest and Testing Library, coverage of `lib/` and `components/` at least 80%",
            ),
            ("build", "production build; `.next/standalone` is what the image runs"),
            ("start", "serve the last build (`next start`)"),
            ("e2e", "Playwright browser tests of the last build against the mock API"),
            (
                "gen-api / gen-api-check",
                "regenerate `lib/api/schema.d.ts` and `validators.ts` from `openapi.json` / "
                "fail when either is stale",
            ),
            (
                "check",
                "lint, typecheck, test, gen-api-check, build (without checking the types "
                "again), e2e: everything CI runs",
            ),
            _COMMITS_CHECK,
            _CI_LOCAL,
            (
                "bench",
                "build time against a minimal Next.js app (`bench/floor`), standalone output "
                "size and first-load JavaScript of `/`",
            ),
            (
                "deploy-manifest OVERLAY=staging TAG=sha-1a2b3c4",
                "print what a deploy applies: an overlay at an image tag",
            ),
            ("clean", "remove build and test output"),
        ),
        layout=(
            ("app/", "the pages and route handlers (Next.js App Router)"),
            ("components/", "React components"),
            ("lib/", "configuration, the typed API client, logging and metrics"),
            ("lib/api/schema.d.ts", "API types generated from `openapi.json` (`make gen-api`)"),
            ("lib/api/validators.ts", "zod schemas generated from `openapi.json`: input rules"),
            ("tests/", "Vitest unit tests"),
            ("e2e/", "Playwright browser tests"),
            ("openapi.json", "a copy of the backend's committed API document"),
            ("k8s/", "Kubernetes: `base` and the `dev`, `staging` and `prod` overlays"),
            (".github/workflows/", "CI, image, release and deploy workflows"),
            ("docs/", "deployment guide and architecture decisions (`docs/adr/`)"),
        ),
        never_commit=(
            _SECRETS,
            (".env.local", "local overrides"),
            ("node_modules/", "the dependencies `make setup` installs"),
            (".next/", "build output"),
            ("coverage/", "test reports"),
        ),
        conventions=(
            "When the backend's API changes, copy its `openapi.json` here, run `make gen-api` "
            "and fix what `make typecheck` reports.",
            "No backend address is built into the client bundle: one image serves every "
            "environment, configured at start by its environment.",
            *_SHARED_CONVENTIONS,
        ),
    ),
    "meta": Guide(
        check="make check",
        commands=_commands(
            ("setup", "install this repo's tooling (`uv.lock`) and the commit-msg hook"),
            (
                "bootstrap",
                "clone each missing service at its pinned ref; render it when it has no repo yet",
            ),
            ("up / down", "start / stop the platform in Docker (needs Docker with compose)"),
            ("logs / ps", "follow the logs / list the containers of the Docker platform"),
            ("dev", "run the platform natively with reload on every edit, and print its links"),
            ("start", "run the platform natively as its images do (production-like)"),
            (
                "status",
                "branch, uncommitted changes, ahead/behind and template version of every repo",
            ),
            (
                "update [DRY=1]",
                "update this repo and every service, each on a branch `polystack/update-<version>`"
                " (DRY=1: preview only)",
            ),
            ("update-check", "report which repos are behind the latest template version"),
            (
                "add-service NAME=<name> KIND=backend|frontend [PORT=] [ROUTE=]",
                "add a service to the manifest, render it and update every repo",
            ),
            (
                "import SOURCE=<repo> DIR=<folder> NAME=<name> KIND=backend|frontend [REF=]",
                "a monorepo's folder as a service repo with its history (`MAP=<file.yml>` for "
                "many); see docs/migrating.md",
            ),
            ("lint / fmt", "lint / format the workspace tool"),
            ("test", "the workspace tool's tests"),
            ("check", "lint, tests and `uv lock --check`, as CI runs them"),
            _COMMITS_CHECK,
            (
                "infra-check",
                "offline checks of `deploy/terraform`: parse, format, names, databases, checkov",
            ),
            (
                "infra-plan CLOUD=aws / infra-apply CLOUD=aws",
                "`terraform` (or `tofu`) init and plan / apply of one cloud's module",
            ),
            _CI_LOCAL,
        ),
        layout=(
            ("polystack.yml", "the manifest: every service, its port, route, repo, ref, owners"),
            ("services/", "each service's own git repo (not part of this one)"),
            ("compose.yaml", "the platform in Docker"),
            ("Procfile.dev", "the platform natively, reloading on every edit (`make dev`)"),
            ("Procfile", "the platform natively, as its images run it (`make start`)"),
            ("traefik/", "the edge's routes, for Docker and native mode"),
            ("observability/", "collector, Prometheus, Grafana and Tempo configs"),
            ("deploy/", "the platform on Kubernetes and Swarm, and Terraform for four clouds"),
            ("tools/workspace/", "the tool behind `make bootstrap`, `make dev` and `make update`"),
            ("docs/", "architecture, contracts, branches, rollback, deploying, decisions"),
        ),
        never_commit=(
            _SECRETS,
            ("services/", "every service is its own repo, with its own history"),
            (".native/", "what `make dev` and `make start` write"),
            (".terraform/", "the providers `terraform init` downloads"),
            (".venv/", "the virtualenv `make setup` creates"),
        ),
        conventions=(
            "A change to names, ports, routes or refs goes into `polystack.yml`, then "
            "`make update` carries it into every repo.",
            "A change to a service is made and reviewed in that service's own repo.",
            *_SHARED_CONVENTIONS,
        ),
    ),
}


def guide(kind: str, package: str = "") -> Guide:
    """The facts of a repo of `kind` ('meta', 'backend', 'frontend')."""
    return GUIDES[kind].for_package(package)
