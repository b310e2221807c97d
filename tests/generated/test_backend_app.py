"""The backend repo's own checks pass as its README says: `make setup`, `make check`.

Three renders: the defaults (checked on PostgreSQL and served by `make dev`), the defaults on
the newest Python offered (checked on SQLite), and `auth=oidc` with another name, route, port
and the oldest Python offered, consuming another backend's events (checked on SQLite, and
through its pre-commit hooks). All share
the machine's uv cache. Which tier-3 run covers each offered choice is listed in
test_offered_choices.py.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Route, expect, sync_playwright

from commit_checks import check_commit_messages
from helpers import CHROMIUM_ARGS, free_port, render, run, stop_group, tool
from model import TAKEN_PACKAGES
from services import create_database

pytestmark = [pytest.mark.generated, pytest.mark.xdist_group("backend")]

OIDC_ANSWERS = {
    "auth": "oidc",
    "engines": ["nats"],
    "python_version": "3.11",
    "services": [
        # A consumer of another backend's events: its consumer and their test are rendered.
        {
            "name": "billing",
            "kind": "backend",
            "route": "/billing",
            "port": 8123,
            "consumes": ["orders"],
        },
        {"name": "orders", "kind": "backend"},
        {"name": "web", "kind": "frontend", "route": "/"},
    ],
}
NEWEST_PYTHON = {"python_version": "3.13"}
CHECK_TIMEOUT = 900


@pytest.fixture(scope="module")
def make_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """PATH with the real uv first: a pyenv shim would follow the repo's .python-version."""
    uv = Path(tool("uv"))
    if ".pyenv/shims" in str(uv):
        uv = Path(run(["pyenv", "which", "uv"], cwd=Path.home()).stdout.strip())
    bin_dir = tmp_path_factory.mktemp("bin")
    (bin_dir / "uv").symlink_to(uv)
    env = {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "UV_PYTHON_DOWNLOADS": "never",
        "UV_NO_PROGRESS": "1",
        "TEST_DATABASE_URL": "",
        # The replica tests start their own nats-server and Redis (from the dev dependencies).
        "TEST_NATS_URL": "",
        "TEST_REDIS_URL": "",
    }
    return env


def setup_repo(template: Path, dest: Path, env: dict[str, str], **answers: object) -> Path:
    render(template, dest, {"template_kind": "backend", **answers})
    run(["make", "setup"], cwd=dest, env=env, timeout=CHECK_TIMEOUT)
    return dest


@pytest.fixture(scope="module")
def default_repo(
    template: Path, tmp_path_factory: pytest.TempPathFactory, make_env: dict[str, str]
) -> Path:
    return setup_repo(template, tmp_path_factory.mktemp("backend") / "api", make_env)


@pytest.fixture(scope="module")
def oidc_repo(
    template: Path, tmp_path_factory: pytest.TempPathFactory, make_env: dict[str, str]
) -> Path:
    return setup_repo(
        template, tmp_path_factory.mktemp("backend") / "billing", make_env, **OIDC_ANSWERS
    )


def test_defaults_pass_make_ci_local_on_postgresql(
    default_repo: Path, make_env: dict[str, str], postgres: str
) -> None:
    """`make ci-local` without act or Docker: CI's Make targets, the tests on PostgreSQL as in
    CI (its targets are `make check`'s and `make setup`: this runs both)."""
    url = create_database(postgres, "backend_app_check")
    env = {**make_env, "TEST_DATABASE_URL": url}
    output = run(["make", "ci-local"], cwd=default_repo, env=env, timeout=CHECK_TIMEOUT).stdout
    assert "Running the Make targets CI runs instead: setup lint typecheck" in output
    assert "Required test coverage of 80" in output
    assert " passed" in output
    assert not re.search(r"\d+ (skipped|xfailed)", output)


def test_newest_python_passes_make_check_on_sqlite(
    template: Path, tmp_path: Path, make_env: dict[str, str]
) -> None:
    repo = setup_repo(template, tmp_path / "api", make_env, **NEWEST_PYTHON)
    assert (repo / ".python-version").read_text() == "3.13\n"
    output = run(["make", "check"], cwd=repo, env=make_env, timeout=CHECK_TIMEOUT).stdout
    assert "Required test coverage of 80" in output
    assert not re.search(r"\d+ (skipped|xfailed)", output)
    python = run(["uv", "run", "--locked", "python", "--version"], cwd=repo, env=make_env)
    assert python.stdout.startswith("Python 3.13."), python.stdout


@pytest.mark.parametrize("repo", ["default_repo", "oidc_repo"])
def test_lock_and_settings_match_the_project(
    repo: str, request: pytest.FixtureRequest, make_env: dict[str, str]
) -> None:
    root: Path = request.getfixturevalue(repo)
    run(["uv", "lock", "--check"], cwd=root, env=make_env)
    package = next(path.name for path in (root / "src").iterdir() if path.is_dir())
    # Every setting is documented in .env.example, and the example itself loads.
    documented = {
        line.split("=", 1)[0]
        for line in (root / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    }
    script = (
        f"from {package}.core.config import Settings\n"
        "Settings(_env_file='.env.example')\n"
        "print(' '.join(sorted(name.upper() for name in Settings.model_fields)))\n"
    )
    fields = run(["uv", "run", "--locked", "python", "-c", script], cwd=root, env=make_env)
    assert set(fields.stdout.split()) == documented


def test_oidc_variant_passes_make_check(
    oidc_repo: Path, make_env: dict[str, str], postgres: str
) -> None:
    """On PostgreSQL, where tenants are kept apart by row-level security too: the repo's own
    tests prove it with a query that names no tenant, as the API's role."""
    env = {**make_env, "TEST_DATABASE_URL": create_database(postgres, "backend_oidc_check")}
    output = run(["make", "check"], cwd=oidc_repo, env=env, timeout=CHECK_TIMEOUT).stdout
    assert "test_auth.py" in run(["git", "ls-files", "tests"], cwd=oidc_repo).stdout
    assert "test_a_query_without_a_tenant_filter" in run(
        ["uv", "run", "--locked", "pytest", "--collect-only", "-q", "tests/test_auth.py"],
        cwd=oidc_repo, env=env,
    ).stdout  # fmt: skip
    assert "Required test coverage of 80" in output
    assert not re.search(r"\d+ (skipped|xfailed)", output)
    assert "/billing" in (oidc_repo / "src" / "billing" / "core" / "config.py").read_text()


def test_no_service_can_shadow_a_module_the_backend_installs(
    oidc_repo: Path, make_env: dict[str, str]
) -> None:
    """A service named after any installed module gets a suffixed package instead."""
    script = "import importlib.metadata as m; print(*m.packages_distributions())"
    installed = run(["uv", "run", "--locked", "python", "-c", script], cwd=oidc_repo,
                    env=make_env).stdout.split()  # fmt: skip
    public = {name for name in installed if name.isidentifier() and not name.startswith("_")}
    assert public - {"billing"} <= TAKEN_PACKAGES, sorted(public - TAKEN_PACKAGES)


def test_events_benchmark_prints_its_figures(default_repo: Path, make_env: dict[str, str]) -> None:
    """Two replicas on a nats-server of the dev dependencies: both phases, nothing missing."""
    bench = ["uv", "run", "--locked", "python", "bench/events.py", "--duration", "2"]
    out = run([*bench, "--concurrency", "2"], cwd=default_repo, env=make_env, timeout=300).stdout
    for phase in ("sustained", "half rate"):
        row = re.search(
            rf"^{phase} +writes/s +([\d.]+) +delivered/s on the other replica +([\d.]+) "
            r"+ratio ([\d.]+) .*p99 ([\d.]+) ms +missing (\d+)$",
            out,
            re.MULTILINE,
        )
        assert row, f"no {phase} figures:\n{out}"
        assert float(row[1]) > 0
        assert float(row[2]) > 0
        assert int(row[5]) == 0, "every write's event reached the other replica"


def test_oidc_variant_passes_its_pre_commit_hooks(
    oidc_repo: Path, make_env: dict[str, str]
) -> None:
    assert (oidc_repo / ".git" / "hooks" / "pre-commit").is_file(), "make setup installs the hooks"
    run(["uv", "run", "--locked", "pre-commit", "run", "--all-files"], cwd=oidc_repo, env=make_env)


def test_commit_messages_are_checked_by_the_hook_and_in_ci(
    oidc_repo: Path, make_env: dict[str, str]
) -> None:
    check_commit_messages(oidc_repo, make_env, good="feat(items): filter by name")


@pytest.fixture
def dev_server(default_repo: Path, make_env: dict[str, str]) -> Iterator[str]:
    """`make dev` (migrate, then serve with reload) on a free port; yields the origin."""
    port = free_port()
    env = {**os.environ, **make_env, "PORT": str(port), "HOST": "127.0.0.1"}
    log = default_repo / "dev.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            ["make", "dev"], cwd=default_repo, env=env, stdout=sink, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
    origin = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert process.poll() is None, f"make dev exited:\n{log.read_text()}"
            try:
                if httpx.get(f"{origin}/api/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            raise AssertionError(f"make dev did not serve:\n{log.read_text()}")
        yield origin
    finally:
        stop_group(process, signal.SIGTERM, timeout=20)


def test_make_dev_serves_probes_and_metrics(dev_server: str, default_repo: Path) -> None:
    health = httpx.get(f"{dev_server}/api/healthz")
    assert (health.status_code, health.json()) == (200, {"status": "ok"})
    ready = httpx.get(f"{dev_server}/api/readyz")
    assert (ready.status_code, ready.json()) == (200, {"status": "ready"})
    created = httpx.post(f"{dev_server}/api/items", json={"name": "from the suite"})
    assert created.status_code == 201
    metrics = httpx.get(f"{dev_server}/metrics")
    assert metrics.status_code == 200
    assert 'http_requests_total{handler="/items",method="POST",status="201"} 1.0' in metrics.text
    assert (default_repo / "data" / "app.db").is_file(), "the default database is ./data/app.db"
    docs_list_the_operations_offline(dev_server)


def docs_list_the_operations_offline(origin: str) -> None:
    """Swagger UI and ReDoc in Chromium, with every request off this server refused."""
    outside: list[str] = []

    def only_this_server(route: Route) -> None:
        if route.request.url.startswith(origin + "/"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"),
                                             args=CHROMIUM_ARGS)  # fmt: skip
        try:
            page = browser.new_page()
            page.route("**/*", only_this_server)
            page.goto(f"{origin}/api/docs")
            expect(page.get_by_text("List items, oldest first")).to_be_visible(timeout=30_000)
            expect(page.get_by_text("My Platform: api").first).to_be_visible()
            page.goto(f"{origin}/api/redoc")
            expect(page.locator("h2", has_text="Create an item")).to_be_visible(timeout=30_000)
        finally:
            browser.close()
    assert outside == [], f"the docs reached outside the service: {outside}"


def test_alembic_cli_sees_the_migrations(default_repo: Path, make_env: dict[str, str]) -> None:
    env = {**make_env, "DATABASE_URL": f"sqlite:///{default_repo / 'data' / 'alembic.db'}"}
    run(["make", "migrate"], cwd=default_repo, env=env)
    heads = run(["uv", "run", "--locked", "alembic", "current"], cwd=default_repo, env=env)
    assert "0002 (head)" in heads.stdout
    run(["uv", "run", "--locked", "alembic", "check"], cwd=default_repo, env=env)
