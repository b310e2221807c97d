"""The meta-repo at work: scaffolded service repos, its workspace tool, and native mode.

The meta-repo is rendered once per manifest (1, 3 and 12 services of mixed kinds), with
no git identity configured, as on a fresh CI machine. Each render is then checked the way
a user meets it: the service repos Copier scaffolded, `copier update` with nothing to do,
the tool's own `make test`, the lockfile, the Procfiles under honcho, and the native
Traefik configuration loaded by the real Traefik binary.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import nats
import pytest
import redis
import yaml
from honcho.environ import parse_procfile

from commit_checks import check_commit_messages
from helpers import answers, edge_rule, free_port, git, render, run, stop_group, tool
from manifests import MANIFESTS

pytestmark = [pytest.mark.generated, pytest.mark.xdist_group("meta-runtime")]

FALLBACK_AUTHOR = "Polystack <polystack@localhost>"
IDENTITY_KEYS = (
    "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL",
)  # fmt: skip


def without_git_identity(home: Path) -> dict[str, str]:
    """The environment of a machine where git knows nobody."""
    home.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in IDENTITY_KEYS}
    return {**env, "HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1", "XDG_CONFIG_HOME": str(home)}


def copier_copy(template: Path, dest: Path, *args: str) -> Path:
    """`copier copy` of the template as a user runs it, on a machine where git knows nobody."""
    proc = subprocess.run(
        [tool("copier"), "copy", "--trust", "--defaults", "--quiet", *args, str(template),
         str(dest)],
        env=without_git_identity(dest.parent / f"{dest.name}-home"), text=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, timeout=600,
        check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout
    return dest


def render_meta(
    template: Path, dest: Path, services: list[dict[str, Any]], engines: list[str] | None = None
) -> Path:
    data = dest.parent / f"{dest.name}-answers.yml"
    data.write_text(yaml.safe_dump({"services": services, "engines": engines or []}))
    return copier_copy(template, dest, "--data", "template_kind=meta", "--data-file", str(data))


@pytest.fixture(scope="module")
def renders(template: Path, tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """The meta-repo rendered for a manifest of MANIFESTS, once per module."""
    done: dict[str, Path] = {}

    def get(case: str) -> Path:
        if case not in done:
            base = tmp_path_factory.mktemp(f"meta-{case}")
            done[case] = render_meta(template, base / "platform", MANIFESTS[case])
        return done[case]

    return get


def fresh_copy(meta: Path, label: str) -> Path:
    """A throwaway copy of a render, git repos included, for a test that changes it."""
    dest = meta.parent / label / "platform"
    shutil.copytree(meta, dest, symlinks=True, ignore=shutil.ignore_patterns(".venv", ".native"))
    return dest


def manifest(meta: Path) -> dict[str, Any]:
    loaded = yaml.safe_load((meta / "polystack.yml").read_text())
    assert isinstance(loaded, dict)
    return loaded


def workspace(meta: Path, *args: str, env: dict[str, str] | None = None, check: bool = True) -> Any:
    """The meta-repo's tool, run as its Makefile runs it (here with the suite's Python)."""
    return run([sys.executable, "tools/workspace", *args], cwd=meta, env=env, check=check)


# ---- scaffolding ----------------------------------------------------------------------

CASES = pytest.mark.parametrize("case", list(MANIFESTS))


@CASES
def test_every_service_is_its_own_repo_with_one_commit(
    renders: Callable[[str], Path], template: Path, case: str
) -> None:
    meta = renders(case)
    services = manifest(meta)["services"]
    assert [s["name"] for s in services] == [s["name"] for s in MANIFESTS[case]]
    for service in services:
        repo = meta / "services" / service["name"]
        assert git(repo, "rev-parse", "--show-toplevel") == str(repo)
        assert git(repo, "rev-list", "--count", "HEAD") == "1"
        assert git(repo, "branch", "--show-current") == "main"
        assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""
        assert git(repo, "log", "-1", "--format=%an <%ae>") == FALLBACK_AUTHOR
        recorded = answers(repo)
        assert recorded["_src_path"] == str(template)
        assert recorded["_commit"] == "1.0.0"
        assert recorded["template_kind"] == service["kind"]
        assert recorded["service_name"] == service["name"]
        assert recorded["services"] == services  # the manifest's resolved answers


@CASES
def test_the_meta_repo_is_committed_and_ignores_the_services(
    renders: Callable[[str], Path], case: str
) -> None:
    meta = renders(case)
    assert git(meta, "rev-list", "--count", "HEAD") == "1"
    assert git(meta, "status", "--porcelain", "--untracked-files=all") == ""
    assert git(meta, "log", "-1", "--format=%an <%ae>") == FALLBACK_AUTHOR
    tracked = git(meta, "ls-files").splitlines()
    assert not any(path.startswith("services/") for path in tracked)
    assert {"polystack.yml", "uv.lock", "Procfile", "traefik/native/dynamic.yml"} <= set(tracked)
    recorded = answers(meta)
    assert {key: recorded[key] for key in manifest(meta)} == manifest(meta)


def test_a_scaffolded_service_updates_with_nothing_to_do(renders: Callable[[str], Path]) -> None:
    """Its answers file lets `copier update` replay it: same version, same tree."""
    meta = renders("twelve")
    repo = meta / "services" / manifest(meta)["services"][-1]["name"]
    tree = git(repo, "rev-parse", "HEAD^{tree}")
    run(
        [tool("copier"), "update", "--trust", "--defaults", "--quiet",
         "--data-file", str(meta / "polystack.yml"), str(repo)],
    )  # fmt: skip
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""
    assert git(repo, "rev-parse", "HEAD^{tree}") == tree
    assert git(repo, "rev-list", "--count", "HEAD") == "1"


def files_with_modes(repo: Path) -> dict[str, tuple[int, bytes]]:
    """Every file of a repo but its .git: mode and bytes."""
    return {
        str(path.relative_to(repo)): (path.stat().st_mode, path.read_bytes())
        for path in sorted(repo.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(repo).parts
    }


def test_scaffolded_services_are_what_copier_copy_writes(
    renders: Callable[[str], Path], template: Path, tmp_path: Path
) -> None:
    """The meta-repo renders its services in Copier's own process; a `copier copy` of each
    service with the manifest's answers writes the same files, answers file included, and
    the same first commit: tree, author and message."""
    meta = renders("three")
    for service in manifest(meta)["services"][:2]:  # a frontend and a backend
        name = service["name"]
        copied = copier_copy(
            template, tmp_path / name, "--vcs-ref", "1.0.0", "--data-file",
            str(meta / "polystack.yml"), "--data", f"template_kind={service['kind']}",
            "--data", f"service_name={name}",
        )  # fmt: skip
        scaffolded = meta / "services" / name
        assert files_with_modes(scaffolded) == files_with_modes(copied), name
        first_commit = ("log", "--format=%T %an <%ae> %s", "main")
        assert git(scaffolded, *first_commit) == git(copied, *first_commit), name


# ---- the meta-repo's own tooling -------------------------------------------------------


@CASES
def test_the_lockfile_is_current(renders: Callable[[str], Path], case: str) -> None:
    run(["uv", "lock", "--check"], cwd=renders(case), env={"UV_PYTHON_DOWNLOADS": "never"})


@CASES
def test_the_procfiles_pass_honcho(renders: Callable[[str], Path], case: str) -> None:
    meta = renders(case)
    for procfile in ("Procfile", "Procfile.dev"):
        out = run([tool("honcho"), "-f", procfile, "check"], cwd=meta).stdout
        for name in ["traefik", "prometheus", *(s["name"] for s in manifest(meta)["services"])]:
            assert name in out


TARGETS = (
    "setup", "bootstrap", "up", "down", "logs", "ps", "dev", "start", "status", "update",
    "update-check", "add-service", "import", "lint", "fmt", "test", "check", "commits-check",
    "infra-check", "infra-plan", "infra-apply", "ci-local",
)  # fmt: skip


def test_the_makefile_has_every_target(renders: Callable[[str], Path]) -> None:
    meta = renders("one")
    listed = [line.split()[0] for line in run(["make", "help"], cwd=meta).stdout.splitlines()]
    assert sorted(listed) == sorted(["help", *TARGETS])
    # A dry run resolves every target and its prerequisites without running anything.
    dry = run(
        ["make", "-n", *TARGETS, "NAME=extra", "KIND=backend", "SOURCE=../mono", "DIR=apps/x"],
        cwd=meta,
    ).stdout
    assert 'tools/workspace add-service "extra" --kind "backend"' in dry
    assert 'tools/workspace import "../mono"  --dir "apps/x"' in dry
    assert "docker compose up --build --detach --wait" in dry
    # Without Docker's compose, Docker mode says what it needs and names native mode.
    for target in ("up", "down", "logs", "ps"):
        done = subprocess.run(["make", target, "COMPOSE=no-such-docker compose"], cwd=meta,
                              capture_output=True, text=True, check=False)  # fmt: skip
        assert done.returncode != 0
        assert "Docker with compose is needed" in done.stderr, done.stderr
        assert "`make dev` runs the platform natively" in done.stderr
        assert "uv" not in done.stdout  # it stops before installing anything
    # An activated virtualenv of another project (the suite's, under `make demo`) is not
    # passed to uv, which would warn about it at every call.
    foreign = {"VIRTUAL_ENV": str(meta.parent / "elsewhere" / ".venv"),
               "UV_PYTHON_DOWNLOADS": "never"}  # fmt: skip
    done = run(["make", "setup", "status"], cwd=meta, env=foreign)
    assert "VIRTUAL_ENV" not in done.stdout, done.stdout
    assert 'tools/workspace infra plan --cloud ""' in dry


def test_infra_plan_without_terraform_says_what_to_install(renders: Callable[[str], Path]) -> None:
    """Without terraform or tofu on PATH, the target names both and where to get them."""
    path = os.pathsep.join(
        folder
        for folder in [str(Path(sys.executable).parent), *os.environ["PATH"].split(os.pathsep)]
        if not any((Path(folder) / name).exists() for name in ("terraform", "tofu"))
    )
    done = run(["make", "infra-plan", "CLOUD=aws"], cwd=renders("one"), env={"PATH": path},
               check=False)  # fmt: skip
    assert done.returncode != 0
    assert "neither `terraform` nor `tofu` is on PATH: install Terraform" in done.stdout


def test_a_new_backend_gets_its_database_in_every_cloud(renders: Callable[[str], Path]) -> None:
    """`make infra-check` after adding a backend: several backends, each with its database,
    every module parsed, formatted, with the same variables and no failed checkov check."""
    meta = fresh_copy(renders("three"), "infra")
    workspace(meta, "add-service", "billing", "--kind", "backend")
    git(meta, "checkout", "--quiet", "polystack/update-1.0.0")  # where add-service puts it
    for cloud in ("aws", "gcp", "digitalocean", "ovh"):
        main = (meta / "deploy" / "terraform" / cloud / "main.tf").read_text()
        assert '"billing" = {' in main and 'database          = "billing"' in main, cloud
    # `make ci-local` without act or Docker runs CI's targets: here `make infra-check`.
    out = run(["make", "ci-local"], cwd=meta, env={"UV_PYTHON_DOWNLOADS": "never"}).stdout
    assert "Running the Make targets CI runs instead: infra-check" in out
    for check in ("parse", "format", "same variables", "a database per backend", "checkov"):
        assert re.search(rf"^{re.escape(check)}.* ok$", out, re.MULTILINE), out


def test_the_tool_s_own_checks_pass(renders: Callable[[str], Path]) -> None:
    """`make check` of the meta-repo: ruff, mypy, the tool's tests, `uv lock --check`."""
    run(["make", "check"], cwd=renders("three"), env={"UV_PYTHON_DOWNLOADS": "never"}, timeout=900)


def test_commit_messages_are_checked_by_the_hook_and_in_ci(
    renders: Callable[[str], Path],
) -> None:
    meta, env = renders("three"), {"UV_PYTHON_DOWNLOADS": "never"}
    run(["make", "setup"], cwd=meta, env=env)
    check_commit_messages(meta, env, good="chore: pin api at v1.2.0")


# ---- native mode: the real Traefik ------------------------------------------------------


def get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=2) as response:
        return json.load(response)


@contextmanager
def native_traefik(meta: Path) -> Iterator[tuple[int, int, Path]]:
    """Traefik on free loopback ports with the native config the tool writes."""
    edge, dashboard, metrics = free_port(), free_port(), free_port()
    ports = {"EDGE_PORT": edge, "DASHBOARD_PORT": dashboard, "TRAEFIK_METRICS_PORT": metrics,
             "PROMETHEUS_PORT": free_port()}  # fmt: skip
    workspace(meta, "native-config", env={k: str(v) for k, v in ports.items()})
    static = yaml.safe_load((meta / ".native" / "traefik.yml").read_text())
    assert static["entryPoints"]["web"]["address"] == f"127.0.0.1:{edge}"
    log = meta.parent / "traefik.log"
    with log.open("w") as sink:
        proc = subprocess.Popen(
            [tool("traefik"), "--configFile=.native/traefik.yml"], cwd=meta,
            stdout=sink, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                routers = get_json(f"http://127.0.0.1:{dashboard}/api/http/routers")
                if any(r["name"].endswith("@file") for r in routers):
                    break
            except (urllib.error.URLError, ConnectionError):
                pass
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, f"Traefik loaded no route:\n{log.read_text()}"
            time.sleep(0.2)
        yield dashboard, metrics, log
    finally:
        proc.terminate()
        proc.wait(timeout=15)


@CASES
def test_traefik_loads_every_route_enabled(renders: Callable[[str], Path], case: str) -> None:
    meta = renders(case)
    services = manifest(meta)["services"]
    with native_traefik(meta) as (dashboard, metrics_port, log):
        api = f"http://127.0.0.1:{dashboard}"
        routers = {r["name"]: r for r in get_json(f"{api}/api/http/routers")}
        upstreams = {s["name"]: s for s in get_json(f"{api}/api/http/services")}
        internal = f"http://127.0.0.1:{metrics_port}"
        with urllib.request.urlopen(f"{internal}/ping", timeout=2) as ping:
            assert ping.read() == b"OK"
        with urllib.request.urlopen(f"{internal}/metrics", timeout=2) as metrics:
            assert b"traefik_config_reloads_total" in metrics.read()
        # Docker mode's Prometheus config, moved to loopback, passes promtool.
        run(["promtool", "check", "config", str(meta / ".native" / "prometheus.yml")])
    # Prometheus scrapes every service where Traefik never sends a request.
    routed = {server["url"].removeprefix("http://") for upstream in upstreams.values()
              for server in upstream.get("loadBalancer", {}).get("servers", [])}  # fmt: skip
    scraped = native_targets(meta)
    assert set(scraped) == {s["name"] for s in services}
    for service in services:
        if service["kind"] == "frontend":
            assert scraped[service["name"]] not in routed, (scraped, routed)
    for service in services:
        router = routers[f"{service['name']}@file"]
        assert router["status"] == "enabled", router
        assert router["entryPoints"] == ["web"]
        assert router["rule"] == edge_rule(service["route"])
        assert (router.get("priority") == 1) == (service["route"] == "/"), router
        servers = upstreams[router["service"] + "@file"]["loadBalancer"]["servers"]
        assert servers == [{"url": f"http://127.0.0.1:{service['port']}"}]
    levels = ('"level":"warn"', '"level":"error"', '"level":"fatal"')
    noisy = [line for line in log.read_text().splitlines() if any(x in line for x in levels)]
    assert noisy == []


def native_targets(meta: Path) -> dict[str, str]:
    """The address native mode's Prometheus scrapes each service at."""
    config = yaml.safe_load((meta / ".native" / "prometheus.yml").read_text())
    return {group["labels"]["service"]: target
            for job in config["scrape_configs"] for group in job["static_configs"]
            if "service" in group.get("labels", {}) for target in group["targets"]}  # fmt: skip


# ---- native mode: the engines -------------------------------------------------------------


async def jetstream_roundtrip(url: str) -> bytes:
    """A message through a JetStream stream and a durable consumer, as the backends use it."""
    client = await nats.connect(url)
    try:
        stream = client.jetstream()
        await stream.add_stream(name="ITEMS", subjects=["api.items.>"])
        await stream.publish("api.items.created", b'{"id": 1}', headers={"Nats-Msg-Id": "1"})
        reader = await stream.pull_subscribe("api.items.>", durable="probe")
        (message,) = await reader.fetch(1, timeout=10)
        await message.ack()
        return message.data
    finally:
        await client.close()


def received_env(meta: Path, procfile: str, service: str, ports: dict[str, str]) -> dict[str, str]:
    """The engines' URLs the Procfile line of a backend gives it, as its shell expands them."""
    line = parse_procfile((meta / procfile).read_text()).processes[service]
    env_part = line.split(" uv run ", 1)[0]  # cd services/<name> && exec env K=V ...
    probe = f"{env_part} sh -c 'echo \"$NATS_URL $REDIS_URL\"'"
    out = subprocess.run(["sh", "-c", probe], cwd=meta, env={**os.environ, **ports},
                         capture_output=True, text=True, check=True).stdout  # fmt: skip
    nats_url, redis_url = out.split()
    return {"NATS_URL": nats_url, "REDIS_URL": redis_url}


def test_native_mode_runs_the_engines_the_backends_are_given(
    template: Path, tmp_path: Path
) -> None:
    """A platform with NATS and Redis: the tool's `engines` runs Debian's nats-server (with
    JetStream) and redis-server on loopback at the ports of the settings, their data in
    .native/, and the URL each backend's Procfile line gives it reaches them."""
    meta = render_meta(template, tmp_path / "platform", MANIFESTS["one"], ["nats", "redis"])
    ports = {"NATS_PORT": str(free_port()), "REDIS_PORT": str(free_port())}
    log = tmp_path / "engines.log"
    with log.open("w") as sink:
        process = subprocess.Popen(
            [sys.executable, "tools/workspace", "engines"], cwd=meta,
            env={**os.environ, **ports}, stdout=sink, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
    try:
        for procfile in ("Procfile", "Procfile.dev"):
            received = received_env(meta, procfile, "api", ports)
            assert received == {
                "NATS_URL": f"nats://127.0.0.1:{ports['NATS_PORT']}",
                "REDIS_URL": f"redis://127.0.0.1:{ports['REDIS_PORT']}/0",
            }, procfile
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, log.read_text()
            try:
                client = redis.Redis.from_url(received["REDIS_URL"])
                assert client.ping()
                break
            except redis.ConnectionError:
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
        assert client.incr("hits") == 1
        assert client.config_get("bind")["bind"] == "127.0.0.1"
        assert client.config_get("appendonly")["appendonly"] == "yes"
        client.close()
        assert asyncio.run(jetstream_roundtrip(received["NATS_URL"])) == b'{"id": 1}'
        printed = log.read_text()  # the URLs a service run alone is given
        for variable, url in received.items():
            assert f"{variable}={url}" in printed, printed
        assert (meta / ".native" / "nats" / "jetstream").is_dir()
        assert (meta / ".native" / "redis").is_dir()
    finally:
        stop_group(process, signal.SIGINT)
    printed = log.read_text()
    assert f"Listening for client connections on 127.0.0.1:{ports['NATS_PORT']}" in printed
    # Ctrl-C stops both, as it stops `make dev`.
    assert "nats stopped" in printed and "redis stopped" in printed, printed


# ---- the workspace tool against real repos ----------------------------------------------


def test_update_reports_every_repo_already_current(renders: Callable[[str], Path]) -> None:
    meta = fresh_copy(renders("one"), "update")
    out = workspace(meta, "update").stdout
    assert [line.split(None, 1) for line in out.splitlines()[:2]] == [
        [".", "already current"], ["api", "already current"],
    ], out  # fmt: skip
    assert git(meta, "status", "--porcelain") == ""
    check = workspace(meta, "update", "--check").stdout
    assert check.count("already current (1.0.0)") == 2, check


def test_a_bad_new_service_is_rejected_with_the_suite_s_message(
    renders: Callable[[str], Path],
) -> None:
    meta = fresh_copy(renders("three"), "reject")
    args = ("add-service", "api-migrate", "--kind", "backend", "--port", "8080", "--route",
            "/api/v2")  # fmt: skip
    done = workspace(meta, *args, check=False)
    assert done.returncode == 1, done.stdout
    # Every problem, one line each, and no traceback.
    assert "Traceback" not in done.stdout and 'File "' not in done.stdout, done.stdout
    lines = done.stdout.splitlines()
    assert "3 problems, one per line:" in done.stdout, done.stdout
    for problem in (
        "- service 'api-migrate' uses port 8080, which Traefik's web entrypoint uses",
        "- services 'api' and 'api-migrate' both derive the Swarm service 'api-migrate'",
        "- service 'api' at '/api' shadows 'api-migrate' at '/api/v2'",
    ):
        assert any(line.startswith(problem) for line in lines), done.stdout
    assert git(meta, "status", "--porcelain", "--untracked-files=all") == ""
    assert not (meta / "services" / "api-migrate").exists()


def test_add_service_renders_it_and_reaches_every_repo(renders: Callable[[str], Path]) -> None:
    meta = fresh_copy(renders("one"), "add")
    out = workspace(meta, "add-service", "web", "--kind", "frontend").stdout
    assert "conflicts" not in out
    branch = "polystack/update-1.0.0"
    services = yaml.safe_load(git(meta, "show", f"{branch}:polystack.yml"))["services"]
    assert {s["name"]: s["route"] for s in services} == {"api": "/api", "web": "/"}
    new = meta / "services" / "web"
    assert git(new, "rev-list", "--count", "HEAD") == "1"
    assert answers(new)["service_name"] == "web"
    # The meta-repo and api receive it on their update branch; their own branch stays.
    assert git(meta, "status", "--porcelain") == ""
    changed = set(git(meta, "diff", "--name-only", f"HEAD..{branch}").splitlines())
    assert {"polystack.yml", "Procfile", "Procfile.dev", "traefik/native/dynamic.yml"} <= changed
    for repo in (meta, meta / "services" / "api"):
        recorded = yaml.safe_load(git(repo, "show", f"{branch}:.copier-answers.yml"))
        assert recorded["services"] == services


def test_bootstrap_renders_a_missing_service_again(renders: Callable[[str], Path]) -> None:
    original = renders("twelve")
    meta = fresh_copy(original, "bootstrap")
    shutil.rmtree(meta / "services" / "billing")
    # The manifest's repos do not exist: refusing https makes each clone fail at once.
    out = workspace(meta, "bootstrap", env={"GIT_ALLOW_PROTOCOL": "file"}).stdout
    assert "billing                  rendered from the templates" in out
    assert out.count("present") == len(MANIFESTS["twelve"]) - 1
    again, before = meta / "services" / "billing", original / "services" / "billing"
    assert git(again, "rev-parse", "HEAD^{tree}") == git(before, "rev-parse", "HEAD^{tree}")


# ---- standalone service repos ------------------------------------------------------------


def test_a_standalone_service_starts_as_a_repo_with_one_commit(
    template: Path, tmp_path: Path
) -> None:
    repo = render(template, tmp_path / "alone", {"template_kind": "backend"})
    assert git(repo, "rev-parse", "--show-toplevel") == str(repo)
    assert git(repo, "rev-list", "--count", "HEAD") == "1"
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""


def test_a_service_rendered_inside_a_repo_joins_it(template: Path, tmp_path: Path) -> None:
    outer = tmp_path / "monorepo"
    outer.mkdir()
    git(outer, "init", "-q", "-b", "main")
    inner = render(template, outer / "backend", {"template_kind": "backend"})
    assert not (inner / ".git").exists()
    assert git(inner, "rev-parse", "--show-toplevel") == str(outer)
