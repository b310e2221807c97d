"""`make import` in a meta-repo: folders of a monorepo become service repos with exactly their
history, the kind's template adopted beside the code without changing a file of it, clashes
reported with a command that compares them, a manifest entry each, and `make update`
working on them afterwards. Bad input changes nothing."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from helpers import answers, commit_all, free_port, git, render, run, snapshot_template
from monorepo import AUTHORS, MENU, PNG, SEED_SERVICES, Monorepo, platform, service_folder, shop
from release import NEW_JOB, SECURITY, TEMPLATE_LABEL, release_next

pytestmark = [pytest.mark.update, pytest.mark.xdist_group("import")]
MAP_SIZE = 20
LOG_FORMAT = "%an%x09%ae%x09%aI%x09%s"
ADOPTED = "adopted"  # a tag the tests put on the adoption commit
TIP = f"{ADOPTED}^1"  # the last commit of the imported history


@pytest.fixture(scope="module")
def suite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The suite at 1.0.0, and a 2.0.0 that changes both service templates."""
    clone = snapshot_template(tmp_path_factory.mktemp("suite") / "polystack", "1.0.0")
    release_next(clone, ["backend", "frontend"], "2.0.0")
    return clone


@pytest.fixture(scope="module")
def pristine(suite: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A meta-repo at 1.0.0 with one backend, rendered once and copied by each test."""
    root = render(
        suite, tmp_path_factory.mktemp("pristine") / "platform",
        {"template_kind": "meta", "services": [{"name": "api", "kind": "backend"}]},
        vcs_ref="1.0.0",
    )  # fmt: skip
    run(["make", "setup"], cwd=root)
    return root


@pytest.fixture
def meta(pristine: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(pristine, tmp_path / "platform", symlinks=True))


@pytest.fixture(scope="module")
def monorepo(tmp_path_factory: pytest.TempPathFactory) -> Monorepo:
    return shop(tmp_path_factory.mktemp("mono") / "shop")


def make_import(meta: Path, **variables: str) -> subprocess.CompletedProcess[str]:
    args = [f"{key.upper()}={value}" for key, value in variables.items()]
    return run(["make", "--no-print-directory", "import", *args], cwd=meta, check=False)


def history(repo: Path, rev: str) -> list[tuple[str, str, str, str]]:
    out = git(repo, "log", "--reverse", f"--format={LOG_FORMAT}", rev)
    return [tuple(line.split("\t")) for line in out.splitlines()]  # type: ignore[misc]


def expected_history(repo: Monorepo, folder: str) -> list[tuple[str, str, str, str]]:
    found = []
    for commit in repo.kept(folder):
        name, email = AUTHORS[commit.author]
        found.append((name, email, commit.date, commit.subject))
    return found


def tree_files(repo: Path, rev: str) -> dict[str, bytes]:
    names = git(repo, "ls-tree", "-r", "-z", "--name-only", rev).split("\0")
    return {
        name: subprocess.run(
            ["git", "show", f"{rev}:{name}"], cwd=repo, capture_output=True, check=True
        ).stdout
        for name in filter(None, names)
    }


def clashes(report: str, name: str) -> dict[str, str]:
    """{path: compare command} of the report's clash list for one service."""
    section = report.split(f"\n{name} (", 1)[1].split("\n  next steps:", 1)[0]
    listed = section.split("clashes: your file is kept; compare it with the template's:\n")
    if len(listed) == 1:
        return {}
    found = {}
    for line in listed[1].splitlines():
        path, command = line.strip().split(None, 1)
        found[path] = command.strip()
    return found


def commit_everything(meta: Path, message: str) -> None:
    """Commit the meta-repo and every service repo with changes."""
    for repo in (meta, *(meta / "services").iterdir()):
        if git(repo, "status", "--porcelain"):
            commit_all(repo, message)


def assert_imported_exactly(repo: Path, source: Monorepo, folder: str) -> None:
    """History, files and adoption of one imported repo."""
    tip = git(repo, "rev-parse", f"{ADOPTED}^1")
    template = git(repo, "rev-parse", f"{ADOPTED}^2")
    assert git(repo, "rev-list", "--count", template) == "1"  # the render is a root commit
    assert history(repo, tip) == expected_history(source, folder)
    code = source.files(folder)
    assert tree_files(repo, tip) == code  # every file, byte for byte, and no other
    # The adoption adds files only: not one of the code's files changed or went away.
    changed = git(repo, "diff", "--name-only", "--no-renames", "--diff-filter=MDT", tip, ADOPTED)
    assert changed == ""
    for path, content in code.items():
        assert (repo / path).read_bytes() == content, path


def test_import_keeps_history_and_files_then_updates(
    meta: Path, monorepo: Monorepo, suite: Path
) -> None:
    before = monorepo.state()
    backend = make_import(
        meta, source=str(monorepo.root), dir="backend", name="orders", kind="backend",
        port="8010", route="/orders",
    )  # fmt: skip
    assert backend.returncode == 0, backend.stdout
    orders, shop_repo = meta / "services" / "orders", meta / "services" / "shop"
    kept = len(monorepo.kept("backend"))
    assert git(orders, "rev-list", "--count", "HEAD") == str(kept + 2)
    assert git(orders, "status", "--porcelain") == ""
    git(orders, "tag", ADOPTED)  # later commits move HEAD: the test names the adoption
    commit_everything(meta, "import orders")  # as after add-service: review, then commit
    frontend = make_import(
        meta, source=str(monorepo.root), dir="frontend/", name="shop", kind="frontend",
        ref="main",
    )  # fmt: skip
    assert frontend.returncode == 0, frontend.stdout
    git(shop_repo, "tag", ADOPTED)
    assert monorepo.state() == before  # SOURCE is never modified

    assert_imported_exactly(orders, monorepo, "backend")
    assert_imported_exactly(shop_repo, monorepo, "frontend")
    assert f"commits kept: {kept} " in backend.stdout
    assert kept == 8 and len(monorepo.kept("frontend")) == 4
    # Renames inside the folder, into it and out of it; the merge commit stays a merge.
    assert git(orders, "log", "--format=%s", "--diff-filter=A", "--", "app/helpers.py") == (
        "API: rename util to helpers"
    )
    assert git(orders, "log", "--format=%s", "--diff-filter=A", "--", "scripts/seed.py") == (
        "Move the seed script into the API, its notes into the docs"
    )
    assert git(orders, "log", "--format=%s", "--diff-filter=D", "--", "NOTES.md") == (
        "Move the seed script into the API, its notes into the docs"
    )
    merges = git(orders, "log", "--merges", "--format=%s", f"{ADOPTED}^1").splitlines()
    assert merges == ["Merge branch 'feature/orders'"]
    # No file from outside the folder ever travelled, in any commit.
    listed = git(orders, "-c", "core.quotePath=false", "log", "--format=", "--name-only", TIP)
    assert set(listed.split()) == set(monorepo.files("backend")) | {"app/util.py", "NOTES.md"}
    assert (orders / "assets" / "logo.png").read_bytes() == PNG
    assert (orders / MENU).read_text(encoding="utf-8").startswith("# Menü")

    # The clashes, each with a command that shows the template's version beside the user's.
    assert clashes(backend.stdout, "orders").keys() == {"Dockerfile", "README.md"}
    assert clashes(frontend.stdout, "shop").keys() == {
        "Dockerfile", "README.md", "package.json", "app/page.tsx",
    }  # fmt: skip
    compare = clashes(backend.stdout, "orders")["Dockerfile"].split()
    assert compare[:3] == ["git", "-C", "services/orders"]
    diff = run(compare, cwd=meta).stdout
    assert "+FROM python:3.12-slim" in diff
    assert "-FROM ${PYTHON_IMAGE} AS runtime" in diff
    # The template's files came in; the answers file makes the repo updatable.
    assert (orders / "src" / "orders" / "app.py").is_file()
    assert (shop_repo / "next.config.ts").is_file()
    for repo, kind, name in ((orders, "backend", "orders"), (shop_repo, "frontend", "shop")):
        recorded = answers(repo)
        assert recorded["_commit"] == "1.0.0"
        assert recorded["_src_path"] == answers(meta / "services" / "api")["_src_path"]
        assert (recorded["template_kind"], recorded["service_name"]) == (kind, name)

    # The manifest and the meta-repo's files include both services.
    services = {
        s["name"]: s for s in yaml.safe_load((meta / "polystack.yml").read_text())["services"]
    }
    assert services["orders"]["port"] == 8010
    assert services["orders"]["route"] == "/orders"
    assert services["shop"]["kind"] == "frontend"
    assert services["shop"]["route"] == "/"
    compose = yaml.safe_load((meta / "compose.yaml").read_text())
    assert {"api", "orders", "shop"} <= compose["services"].keys()
    routes = yaml.safe_load((meta / "traefik" / "native" / "dynamic.yml").read_text())
    assert "/orders" in routes["http"]["routers"]["orders"]["rule"]

    # Later: the user commits, the template moves to 2.0.0, `make update` brings it.
    commit_everything(meta, "import shop")
    own = {repo: tree_files(repo, TIP) for repo in (orders, shop_repo)}
    proc = run(["make", "update"], cwd=meta, check=False, timeout=1200)
    assert proc.returncode != 0, proc.stdout  # the Dockerfiles clash with the template's change
    for repo, name in ((orders, "orders"), (shop_repo, "shop")):
        assert re.search(rf"^{name}\s+conflicts\b", proc.stdout, re.M), proc.stdout
        assert answers(repo)["_commit"] == "2.0.0"
        assert (repo / "SECURITY.md").read_text() == SECURITY
        assert NEW_JOB.strip() in (repo / ".github" / "workflows" / "ci.yml").read_text()
        dockerfile = (repo / "Dockerfile").read_text()
        assert TEMPLATE_LABEL in dockerfile
        assert own[repo]["Dockerfile"].decode().splitlines()[0] in dockerfile
        assert "<<<<<<< " in dockerfile  # reported and left to the user, not resolved
        for path, content in own[repo].items():
            if path != "Dockerfile":
                assert (repo / path).read_bytes() == content, path


@pytest.fixture(scope="module")
def seed_platform(tmp_path_factory: pytest.TempPathFactory) -> Monorepo:
    return platform(tmp_path_factory.mktemp("seed") / "platform", SEED_SERVICES)


def write_map(path: Path, services: tuple[tuple[str, str, int], ...], ports: bool) -> Path:
    entries = []
    for plane, name, port in services:
        entry: dict[str, object] = {
            "name": name,
            "kind": "backend",
            "dir": service_folder(plane, name),
        }
        if ports:
            entry["port"] = port
        entries.append(entry)
    path.write_text(yaml.safe_dump(entries, sort_keys=False))
    return path


def assert_nothing_written(meta: Path, before: list[str]) -> None:
    assert sorted(p.name for p in (meta / "services").iterdir()) == before
    assert git(meta, "status", "--porcelain") == ""


def test_map_import_of_the_seed_platform(meta: Path, seed_platform: Monorepo) -> None:
    services = SEED_SERVICES[:MAP_SIZE]
    # The plan's own port table breaks the manifest's rules: every problem is listed at once.
    bad = make_import(
        meta,
        source=str(seed_platform.root),
        map=str(write_map(meta.parent / "ports.yml", services, True)),
    )
    assert bad.returncode != 0
    assert "uses port 8081, which Traefik's dashboard entrypoint uses" in bad.stdout
    assert "uses port 8080, which Traefik's web entrypoint uses" in bad.stdout
    assert "'ingestion-service' and 'memory-service' both use port 8084" in bad.stdout
    assert_nothing_written(meta, ["api"])

    mapping = write_map(meta.parent / "services.yml", services, False)
    proc = make_import(meta, source=str(seed_platform.root), map=str(mapping))
    assert proc.returncode == 0, proc.stdout
    progress = re.findall(rf"^\[\s*\d+/{MAP_SIZE}\] (\S+)", proc.stdout, re.M)
    assert sorted(progress) == sorted(name for _, name, _ in services)
    manifest = yaml.safe_load((meta / "polystack.yml").read_text())["services"]
    assert [s["name"] for s in manifest] == ["api", *(name for _, name, _ in services)]
    assert len({s["port"] for s in manifest}) == len(manifest)
    for plane, name, _ in services:
        repo = meta / "services" / name
        folder = service_folder(plane, name)
        assert history(repo, "HEAD^1") == expected_history(seed_platform, folder)
        assert tree_files(repo, "HEAD^1") == seed_platform.files(folder)
        assert git(repo, "diff", "--name-only", "--diff-filter=MDT", "HEAD^1", "HEAD") == ""
        assert clashes(proc.stdout, name).keys() == {"README.md"}
        assert answers(repo)["service_name"] == name


def test_bad_input_is_reported_and_changes_nothing(
    meta: Path, monorepo: Monorepo, tmp_path: Path
) -> None:
    source = str(monorepo.root)
    plain = tmp_path / "plain"
    plain.mkdir()

    def one(**changes: str) -> dict[str, str]:
        variables = {"source": source, "dir": "backend", "name": "x", "kind": "backend", **changes}
        return {key: value for key, value in variables.items() if value}

    cases = {
        "not a git repository": one(source=str(plain)),
        "is not a git repository that can be cloned": one(
            source=f"http://127.0.0.1:{free_port()}/shop.git"
        ),
        "REF 'v9' is not a branch, tag or commit": one(ref="v9"),
        "dir 'server' does not exist at": one(dir="server"),
        "NAME 'api' is taken": one(name="api"),
        "is not a DNS-1123 label": one(name="Orders_API"),
        "both use port 8000": one(port="8000"),
        "both use route '/api'": one(route="/api"),
        "KIND missing": one(kind=""),
    }
    for message, variables in cases.items():
        proc = make_import(meta, **variables)
        assert proc.returncode != 0, proc.stdout
        assert message in proc.stdout, proc.stdout
        assert "Traceback" not in proc.stdout
        assert_nothing_written(meta, ["api"])

    # A map with many problems: all of them at once.
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "- {name: orders, kind: backend, dir: backend, colour: blue}\n"
        "- {name: orders, kind: backend, dir: frontend}\n"
        "- {name: web, kind: frontend}\n"
        "- {name: gone, kind: backend, dir: apps/gone}\n"
        "- {name: clash, kind: backend, dir: frontend, port: 8000}\n"
        "- {name: up, kind: backend, dir: ../outside}\n"
    )
    proc = make_import(meta, source=source, map=str(broken))
    assert proc.returncode != 0
    for message in (
        "unknown key(s) colour",
        "also entry 1's",
        "dir missing",
        "dir 'apps/gone' does not exist",
        "both use port 8000",
        "is not a folder inside the source",
    ):
        assert message in proc.stdout, proc.stdout
    assert "6 problem(s)" in proc.stdout
    assert_nothing_written(meta, ["api"])

    # A dirty meta-repo is refused before anything else.
    (meta / "README.md").write_text("work in progress\n")
    proc = make_import(meta, source=source, dir="backend", name="orders", kind="backend")
    assert proc.returncode != 0
    assert "uncommitted changes in ." in proc.stdout
    assert sorted(p.name for p in (meta / "services").iterdir()) == ["api"]
