"""Tier 4: a rendered workspace runs natively behind a real Traefik; a real browser, a real
Prometheus and an OTLP receiver check every link of the chain through the one origin."""

from __future__ import annotations

import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml
from playwright.sync_api import Browser, expect, sync_playwright
from prometheus_client.parser import text_string_to_metric_families

from helpers import CHROMIUM_ARGS, free_port
from otlp import Receiver, otlp_receiver
from platform_run import Platform, render_workspace, running, workspace_services
from services import create_database

pytestmark = [pytest.mark.workspace, pytest.mark.xdist_group("workspace")]


def eventually(check, timeout: float = 30.0):  # type: ignore[no-untyped-def]
    """Retry `check` until it returns a truthy value or raises no AssertionError."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = check()
            if result:
                return result
        except AssertionError:
            if time.monotonic() > deadline:
                raise
        if time.monotonic() > deadline:
            raise AssertionError(f"{check.__name__} never held")
        time.sleep(0.5)


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    with otlp_receiver(free_port()) as received:
        yield received


@pytest.fixture(scope="module")
def platform(
    template: Path, tmp_path_factory: pytest.TempPathFactory, postgres: str, receiver: Receiver
) -> Iterator[Platform]:
    """The default workspace (api at /api, web at /) with its backend on PostgreSQL."""
    services = workspace_services(api=("backend", "/api"), web=("frontend", "/"))
    root = render_workspace(template, tmp_path_factory.mktemp("ws") / "demo", services)
    database = create_database(postgres, "platform").replace(
        "postgresql://", "postgresql+asyncpg://"
    )
    (root / "services" / "api" / ".env").write_text(f"DATABASE_URL={database}\n")
    env = {"OTEL_EXPORTER_OTLP_ENDPOINT": receiver.url, "LOG_FORMAT": "json"}
    with running(root, ["/api/readyz", "/"], env) as started:
        yield started


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=shutil.which("chromium"),
                                              args=CHROMIUM_ARGS)  # fmt: skip
        yield launched
        launched.close()


def test_traefik_serves_every_router_without_error(platform: Platform) -> None:
    routers = httpx.get(f"{platform.dashboard}/api/http/routers", timeout=10).json()
    by_name = {r["name"]: r for r in routers}
    for name in ("api@file", "web@file"):
        assert by_name[name]["status"] == "enabled", by_name.get(name)
    errors = [line for line in platform.lines("traefik") if '"level":"error"' in line
              or " ERR " in line]  # fmt: skip
    assert errors == []


def listening(port: int) -> set[str]:
    """Local addresses (hex, as the kernel lists them) of TCP sockets listening on `port`."""
    found = set()
    for table in (Path("/proc/net/tcp"), Path("/proc/net/tcp6")):
        for row in table.read_text().splitlines()[1:]:
            local, state = row.split()[1], row.split()[3]
            address, _, hex_port = local.rpartition(":")
            if state == "0A" and int(hex_port, 16) == port:
                found.add(address)
    return found


LOOPBACK = {"0100007F", "00000000000000000000000001000000", "0000000000000000FFFF00000100007F"}


def test_every_process_listens_on_loopback_only(platform: Platform) -> None:
    ports = [*platform.ports.values(), int(platform.edge.rsplit(":", 1)[1]),
             int(platform.dashboard.rsplit(":", 1)[1])]  # fmt: skip
    for port in ports:
        addresses = listening(port)
        assert addresses, f"nothing listens on {port}"
        assert addresses <= LOOPBACK, f"port {port} listens on {addresses}"


def test_browser_sees_health_list_form_and_live_events(
    platform: Platform, browser: Browser, receiver: Receiver
) -> None:
    request_id = f"tier4-{uuid.uuid4()}"
    context = browser.new_context(extra_http_headers={"X-Request-ID": request_id})
    page = context.new_page()
    page.goto(f"{platform.edge}/")
    expect(page.get_by_label("Backend health")).to_have_text("Backend healthy")

    name = f"made-in-browser-{uuid.uuid4().hex[:8]}"
    page.goto(f"{platform.edge}/new")
    page.get_by_label("Name").fill(name)
    page.get_by_role("button", name="Create item").click()
    expect(page.get_by_text(f"Created “{name}”")).to_be_visible()
    page.goto(f"{platform.edge}/")
    expect(page.get_by_text(name)).to_be_visible()

    live = context.new_page()
    live.goto(f"{platform.edge}/live")
    expect(live.get_by_text("Connected")).to_be_visible()
    streamed = f"streamed-{uuid.uuid4().hex[:8]}"
    created = httpx.post(f"{platform.edge}/api/items", json={"name": streamed}, timeout=10)
    assert created.status_code == 201, created.text
    expect(live.get_by_text(f"#{created.json()['id']} {streamed}")).to_be_visible(timeout=15000)
    context.close()

    # The request id given to the frontend reached the backend's log.
    eventually(lambda: any(request_id in line for line in platform.lines("api")))

    # The page's request produced spans of the frontend and the backend in one trace.
    def joined_trace() -> bool:
        spans = receiver.spans
        web = {(s.trace_id, s.span_id) for s in spans if s.service == "web"}
        web_traces = {trace for trace, _ in web}
        return any(s.service == "api" and s.trace_id in web_traces
                   and (s.trace_id, s.parent_id) in web for s in spans)  # fmt: skip

    eventually(joined_trace, timeout=30)


def test_backend_metrics_count_requests_by_route_template(platform: Platform) -> None:
    created = httpx.post(f"{platform.edge}/api/items", json={"name": "counted"}, timeout=10)
    item = created.json()["id"]
    assert httpx.get(f"{platform.edge}/api/items/{item}", timeout=10).status_code == 200
    text = httpx.get(f"http://127.0.0.1:{platform.ports['api']}/metrics", timeout=10).text
    samples = [s for f in text_string_to_metric_families(text) for s in f.samples
               if s.name == "http_requests_total"]  # fmt: skip
    handlers = {s.labels["handler"] for s in samples}
    assert "/items/{item_id}" in handlers
    assert not any(str(item) in h for h in handlers), handlers


def test_prometheus_scrapes_backend_and_traefik(platform: Platform, tmp_path: Path) -> None:
    source = platform.root / "observability" / "prometheus"
    config = yaml.safe_load((source / "prometheus.yml").read_text())
    hosts = {name: f"127.0.0.1:{port}" for name, port in platform.ports.items()}
    hosts["traefik"] = platform.dashboard.removeprefix("http://")
    jobs = []
    for job in config["scrape_configs"]:
        targets = []
        for group in job.get("static_configs", []):
            mapped = [hosts[t.split(":")[0]] for t in group["targets"]
                      if t.split(":")[0] in hosts]  # fmt: skip
            if mapped:
                targets.append({**group, "targets": mapped})
        if targets:
            jobs.append({**job, "static_configs": targets})
    config["global"]["scrape_interval"] = "1s"
    config["scrape_configs"] = jobs
    shutil.copytree(source / "rules", tmp_path / "rules")
    (tmp_path / "prometheus.yml").write_text(yaml.safe_dump(config))
    port = free_port()
    process = subprocess.Popen(
        [shutil.which("prometheus") or "prometheus", f"--config.file={tmp_path / 'prometheus.yml'}",
         f"--storage.tsdb.path={tmp_path / 'data'}", f"--web.listen-address=127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:

        def up() -> dict[str, str]:
            assert process.poll() is None, "prometheus exited"
            try:
                reply = httpx.get(f"http://127.0.0.1:{port}/api/v1/query",
                                  params={"query": "up"}, timeout=5).json()  # fmt: skip
            except httpx.HTTPError as error:
                raise AssertionError(f"prometheus not answering: {error}") from error
            values = {r["metric"]["job"]: r["value"][1] for r in reply["data"]["result"]}
            assert values.get("traefik") == "1", values
            assert values.get("backends") == "1", values
            return values

        eventually(up, timeout=60)
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def two_backends(template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    """Two backends and one frontend, on SQLite (the default of native mode)."""
    services = workspace_services(api=("backend", "/api"), billing=("backend", "/billing"),
                                  web=("frontend", "/"))  # fmt: skip
    root = render_workspace(template, tmp_path_factory.mktemp("ws2") / "demo", services)
    with running(root, ["/api/readyz", "/billing/readyz", "/"]) as started:
        yield started


@pytest.mark.parametrize("backend", ["api", "billing"])
def test_each_backend_answers_only_its_own_prefix(two_backends: Platform, backend: str) -> None:
    other = "billing" if backend == "api" else "api"
    health = httpx.get(f"{two_backends.edge}/{backend}/healthz", timeout=10)
    assert health.status_code == 200, health.text
    # Probes are not logged; a request to the API is, with its request id, by its backend only.
    request_id = f"route-{backend}-{uuid.uuid4().hex[:8]}"
    reply = httpx.get(f"{two_backends.edge}/{backend}/items",
                      headers={"X-Request-ID": request_id}, timeout=10)  # fmt: skip
    assert reply.status_code == 200, reply.text
    assert reply.headers["x-request-id"] == request_id
    eventually(lambda: any(request_id in line for line in two_backends.lines(backend)))
    assert not any(request_id in line for line in two_backends.lines(other))


def test_unknown_prefix_falls_to_the_frontend(two_backends: Platform) -> None:
    request_id = f"nowhere-{uuid.uuid4().hex[:8]}"
    reply = httpx.get(f"{two_backends.edge}/nowhere/healthz", headers={"X-Request-ID": request_id},
                      timeout=10)  # fmt: skip
    assert reply.status_code == 404
    assert "text/html" in reply.headers["content-type"]
    for backend in ("api", "billing"):
        assert not any(request_id in line for line in two_backends.lines(backend))
