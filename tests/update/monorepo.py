"""Monorepos with real history, built commit by commit, for the import tests and benchmark:
authors and dates over months, renames, binary and non-ASCII files, a merge."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from helpers import run

AUTHORS = {
    "alice": ("Alice Martin", "alice@acme.test"),
    "bob": ("Bob Okafor", "bob@acme.test"),
    "carol": ("Carol Weiß", "carol@acme.test"),
    "zoe": ("Zoë Ødegaard", "zoe@acme.test"),
}


@dataclass(frozen=True)
class Commit:
    subject: str
    author: str  # a key of AUTHORS
    date: str  # ISO 8601
    paths: tuple[str, ...]  # every path written, moved (both ends) or deleted
    merged: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())  # a merge: each side's paths

    def touches(self, folder: str) -> bool:
        if any(self.merged):  # a merge stays only when both sides changed the folder
            return all(any(_under(p, folder) for p in side) for side in self.merged)
        return any(_under(path, folder) for path in self.paths)


def _under(path: str, folder: str) -> bool:
    return folder == "." or path.startswith(folder.rstrip("/") + "/")


@dataclass
class Monorepo:
    root: Path
    log: list[Commit] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.root.mkdir(parents=True)
        run(["git", "init", "-q", "-b", "main"], cwd=self.root)

    def git(self, *args: str, who: str = "alice", date: str = "2026-01-01T12:00:00+00:00") -> str:
        name, email = AUTHORS[who]
        env = {
            "GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_AUTHOR_DATE": date,
            "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email, "GIT_COMMITTER_DATE": date,
        }  # fmt: skip
        return run(["git", *args], cwd=self.root, env=env).stdout

    def commit(
        self,
        subject: str,
        who: str,
        date: str,
        write: dict[str, str | bytes] | None = None,
        move: dict[str, str] | None = None,
        delete: tuple[str, ...] = (),
    ) -> Commit:
        paths: list[str] = []
        for relative, content in (write or {}).items():
            path = self.root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
            paths.append(relative)
        for old, new in (move or {}).items():
            (self.root / new).parent.mkdir(parents=True, exist_ok=True)
            self.git("mv", old, new)
            paths += [old, new]
        for relative in delete:
            self.git("rm", "-q", relative)
            paths.append(relative)
        self.git("add", "-A")
        self.git("commit", "-q", "-m", subject, who=who, date=date)
        record = Commit(subject, who, date, tuple(paths))
        self.log.append(record)
        return record

    def merge(self, branch: str, subject: str, who: str, date: str, fork: str) -> Commit:
        sides = tuple(
            tuple(self.git("diff", "--name-only", fork, tip).split()) for tip in (branch, "HEAD")
        )
        self.git("merge", "-q", "--no-ff", "-m", subject, branch, who=who, date=date)
        record = Commit(subject, who, date, (), (sides[0], sides[1]))
        self.log.append(record)
        return record

    def kept(self, folder: str) -> list[Commit]:
        """The commits an import of `folder` keeps, oldest first."""
        return sorted((c for c in self.log if c.touches(folder)), key=lambda c: c.date)

    def files(self, folder: str, ref: str = "HEAD") -> dict[str, bytes]:
        """{path inside folder: content} at `ref`."""
        prefix = "" if folder == "." else folder.rstrip("/") + "/"
        names = self.git("ls-tree", "-r", "-z", "--name-only", ref, "--", prefix or ".")
        found = {}
        for name in filter(None, names.split("\0")):
            blob = subprocess.run(
                ["git", "show", f"{ref}:{name}"], cwd=self.root, capture_output=True, check=True
            ).stdout
            found[name[len(prefix) :]] = blob
        return found

    def state(self) -> str:
        """Refs, HEAD and work tree status: what an import must leave as it was."""
        return "\n".join(
            [self.git("for-each-ref"), self.git("rev-parse", "HEAD"), self.git("status", "-s")]
        )


PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452") + bytes(range(256))
MENU = "docs/café-menü.md"


def shop(root: Path) -> Monorepo:
    """A Next.js + FastAPI monorepo (`frontend/`, `backend/`) with six months of history."""
    repo = Monorepo(root)
    repo.commit(
        "Start the shop: API and web app", "alice", "2026-01-05T09:30:00+01:00",
        write={
            "README.md": "# Shop monorepo\n",
            "backend/app/__init__.py": "",
            "backend/app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
            "backend/app/util.py": "def money(cents: int) -> str:\n    return str(cents / 100)\n",
            "backend/requirements.txt": "fastapi==0.115.0\n",
            "backend/NOTES.md": "API notes\n",
            "frontend/package.json": '{"name": "shop-web", "private": true}\n',
            "frontend/app/page.tsx": "export default function Home() {\n  return null;\n}\n",
            "tools/seed.py": "print('seeding')\n",
            "docs/architecture.md": "# Architecture\n",
        },
    )  # fmt: skip
    repo.commit(
        "Web: product list", "bob", "2026-01-20T14:00:00-05:00",
        write={"frontend/app/products/page.tsx": "export default function Products() {}\n"},
    )  # fmt: skip
    repo.commit(
        "Docs: deployment notes", "carol", "2026-02-03T11:15:00+00:00",
        write={"docs/deploy.md": "Deploy with care.\n"},
    )  # fmt: skip
    repo.commit(
        "API: rename util to helpers", "alice", "2026-02-17T16:45:00+01:00",
        move={"backend/app/util.py": "backend/app/helpers.py"},
    )  # fmt: skip
    repo.commit(
        "Move the seed script into the API, its notes into the docs", "bob",
        "2026-03-02T10:00:00+00:00",
        move={"tools/seed.py": "backend/scripts/seed.py", "backend/NOTES.md": "docs/api-notes.md"},
    )  # fmt: skip
    fork = repo.git("rev-parse", "HEAD").strip()
    repo.git("checkout", "-q", "-b", "feature/orders")
    repo.commit(
        "API: orders endpoint", "zoe", "2026-03-16T08:20:00+01:00",
        write={"backend/app/orders.py": "ORDERS: list[dict[str, int]] = []\n"},
    )  # fmt: skip
    repo.git("checkout", "-q", "main")
    repo.commit(
        "API: health check", "alice", "2026-03-20T17:05:00+01:00",
        write={"backend/app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n\n\n"
               "@app.get('/healthz')\ndef health() -> dict[str, str]:\n    return {'ok': 'yes'}\n"},
    )  # fmt: skip
    repo.merge(
        "feature/orders", "Merge branch 'feature/orders'", "carol", "2026-03-25T12:00:00+00:00",
        fork,
    )  # fmt: skip
    repo.commit(
        "API: Dockerfile, README, logo and menu", "zoe", "2026-04-10T09:00:00+02:00",
        write={
            "backend/Dockerfile": "FROM python:3.12-slim\nCOPY . /app\n"
            'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0"]\n',
            "backend/README.md": "# Shop API\n\nThe team's own README.\n",
            "backend/assets/logo.png": PNG,
            f"backend/{MENU}": "# Menü\n\nCafé au lait: 3,50 €\n",
        },
    )  # fmt: skip
    repo.commit(
        "Web: Dockerfile and README", "bob", "2026-05-04T13:30:00-04:00",
        write={
            "frontend/Dockerfile": "FROM node:22-alpine\nCOPY . /app\nCMD [\"npm\", \"start\"]\n",
            "frontend/README.md": "# Shop web\n",
        },
    )  # fmt: skip
    repo.commit(
        "Bump versions everywhere", "alice", "2026-06-01T10:10:00+02:00",
        write={
            "backend/requirements.txt": "fastapi==0.116.0\n",
            "frontend/package.json": '{"name": "shop-web", "private": true, "version": "1.1.0"}\n',
            "README.md": "# Shop monorepo\n\nNow in two repos.\n",
        },
    )  # fmt: skip
    repo.commit(
        "Docs: runbook", "carol", "2026-06-20T15:00:00+00:00",
        write={"docs/runbook.md": "# Runbook\n"},
    )  # fmt: skip
    return repo


# The user's plan for a many-service monorepo: (plane, name, port of its port table). The
# table is wrong in places, as plans are: 8084 and 8097 twice, 8080/8081 are Traefik's.
SEED_SERVICES = (
    ("data-plane", "api-gateway", 8000), ("data-plane", "orchestrator", 8081),
    ("data-plane", "router-service", 8083), ("data-plane", "model-gateway", 8080),
    ("data-plane", "retrieval-service", 8082), ("data-plane", "ingestion-service", 8084),
    ("data-plane", "analytics-service", 8085), ("data-plane", "tools-service", 8087),
    ("data-plane", "memory-service", 8084), ("data-plane", "realtime-gateway", 8086),
    ("data-plane", "semantic-cache-service", 8088), ("data-plane", "event-relay-service", 8089),
    ("data-plane", "migration-runner", 8090), ("data-plane", "chat-adapters", 8097),
    ("control-plane", "config-service", 8091), ("control-plane", "policy-adapter", 8092),
    ("control-plane", "feature-flags-service", 8093), ("control-plane", "registry-service", 8094),
    ("control-plane", "usage-metering", 8095), ("control-plane", "audit-log", 8096),
    ("control-plane", "notification-service", 8097), ("control-plane", "tenant-service", 8098),
    ("control-plane", "capacity-monitor", 8099), ("control-plane", "billing-service", 8100),
    ("data-plane", "agents-service", 8101), ("data-plane", "eval-service", 8102),
)  # fmt: skip


def service_folder(plane: str, name: str) -> str:
    return f"apps/{plane}/{name}"


def platform(root: Path, services: tuple[tuple[str, str, int], ...]) -> Monorepo:
    """Many FastAPI services under apps/<plane>/<name>, laid out as in the user's plan: one
    commit adds them all, then each service and the shared library change on their own."""
    repo = Monorepo(root)
    files: dict[str, str | bytes] = {"libs/common/events.py": "TOPICS = ['usage.metered']\n"}
    for plane, name, port in services:
        folder = service_folder(plane, name)
        files[f"{folder}/src/main.py"] = (
            f"from fastapi import FastAPI\n\napp = FastAPI(title={name!r})\n"
        )
        files[f"{folder}/requirements.txt"] = "fastapi\n"
        files[f"{folder}/README.md"] = f"# {name}\n\nListens on {port}.\n"
    repo.commit("Monorepo: every service", "alice", "2026-01-10T09:00:00+00:00", write=files)
    people = tuple(AUTHORS)
    for day, (plane, name, _) in enumerate(services, start=1):
        folder = service_folder(plane, name)
        repo.commit(
            f"{name}: first endpoint", people[day % len(people)],
            f"2026-02-{day:02d}T10:00:00+00:00",
            write={f"{folder}/src/routes.py": f"ROUTES = ['/{name}']\n"},
        )  # fmt: skip
    repo.commit(
        "libs: shared event topics", "bob", "2026-03-01T09:00:00+00:00",
        write={"libs/common/events.py": "TOPICS = ['usage.metered', 'ingest.done']\n"},
    )  # fmt: skip
    return repo
