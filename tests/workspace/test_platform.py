"""Tier 4: a rendered workspace runs natively behind a real Traefik; a real browser, a real
Prometheus and an OTLP receiver check every link of the chain through the one origin."""

from __future__ import annotations

import os
import re
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, expect
from prometheus_client.parser import text_string_to_metric_families

from helpers import free_port
from otlp import Receiver, otlp_receiver
from platform_run import (
    DEV_TIMEOUT_MS,
    LOOPBACK,
    Platform,
    listening,
    render_workspace,
    running,
    workspace_services,
)
from services import create_database

pytestmark = [pytest.mark.workspace, pytest.mark.xdist_group("workspace")]


# Pages under `next dev` load their development chunks one by one: slower than a build.
# A trace id in a log line, JSON (`"trace_id": "…"`) or console (`trace_id=…`).
TRACE_ID = re.compile(r'trace_id"?[:=] ?"?[0-9a-f]{32}')


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
    # `next dev` compiles each page on its first request: ask for those the browser visits.
    with running(root, ["/api/readyz", "/", "/new", "/live"], env) as started:
        yield started


def test_traefik_serves_every_router_without_warnings(platform: Platform) -> None:
    routers = httpx.get(f"{platform.dashboard}/api/http/routers", timeout=10).json()
    by_name = {r["name"]: r for r in routers}
    for name in ("api@file", "web@file", "dashboard@file"):
        assert by_name[name]["status"] == "enabled", by_name.get(name)
    # Started last, with the static config hardened as in Docker mode: nothing to warn about.
    lines = platform.lines("traefik")
    assert lines, "Traefik printed nothing"
    noisy = [line for line in lines if '"level":"warn"' in line or '"level":"error"' in line]
    assert noisy == []


def test_every_process_listens_on_loopback_only(platform: Platform) -> None:
    ports = [*platform.ports.values(), *platform.metrics_ports.values(),
             *(int(url.rsplit(":", 1)[1]) for url in (platform.edge, platform.dashboard,
                                                      platform.prometheus))]  # fmt: skip
    for port in ports:
        addresses = listening(port)
        assert addresses, f"nothing listens on {port}"
        assert addresses <= LOOPBACK, f"port {port} listens on {addresses}"


def test_browser_sees_health_list_form_and_live_events(
    platform: Platform, browser: Browser, receiver: Receiver
) -> None:
    request_id = f"tier4-{uuid.uuid4()}"
    context = browser.new_context(extra_http_headers={"X-Request-ID": request_id})
    context.set_default_timeout(DEV_TIMEOUT_MS)
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

    # The request id given to the frontend reached both services' logs, beside a trace id.
    def logged(process: str) -> list[str]:
        found = [line for line in platform.lines(process) if request_id in line]
        assert found, f"{request_id} not in {process}'s output"
        return found

    for process in ("api", "web"):
        lines = eventually(lambda name=process: logged(name))
        assert all(TRACE_ID.search(line) for line in lines), lines

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


def test_prometheus_scrapes_every_service_and_traefik(platform: Platform) -> None:
    """`make dev` runs Prometheus with the scrape config and alert rules of Docker mode."""

    def query(path: str, **params: str) -> Any:
        try:
            reply = httpx.get(f"{platform.prometheus}{path}", params=params, timeout=5)
        except httpx.HTTPError as error:
            raise AssertionError(f"prometheus not answering: {error}") from error
        return reply.json()["data"]

    def up() -> dict[str, str]:
        values = {r["metric"].get("service", r["metric"]["job"]): r["value"][1]
                  for r in query("/api/v1/query", query="up")["result"]}  # fmt: skip
        for job in ("traefik", "prometheus", *platform.ports):
            assert values.get(job) == "1", values
        return values

    eventually(up, timeout=90)
    targets = query("/api/v1/targets", state="active")["activeTargets"]
    scraped = {t["labels"]["service"]: t["scrapeUrl"] for t in targets if "service" in t["labels"]}
    assert scraped["web"] == f"http://127.0.0.1:{platform.metrics_ports['web']}/metrics"
    # Through the edge, the frontend at / publishes no metrics.
    public = httpx.get(f"{platform.edge}/metrics", timeout=60)
    assert public.status_code == 404
    assert "process_cpu_user_seconds_total" not in public.text
    groups = {g["name"] for g in query("/api/v1/rules")["groups"]}
    assert {"availability", "errors", "latency"} <= groups


def test_every_printed_link_answers_with_content(platform: Platform) -> None:
    links = platform.banner()
    assert f"{platform.edge}/api/docs" in links
    assert f"{platform.prometheus}/" in links
    assert f"{platform.dashboard}/dashboard/" in links
    for link in links:
        reply = httpx.get(link, timeout=30, follow_redirects=True)
        assert reply.status_code == 200, (link, reply.status_code)
        if link.endswith("/healthz"):
            assert reply.json()["status"] == "ok", (link, reply.text)
        else:  # a page: the app, API docs, the dashboard, Prometheus
            assert "<html" in reply.text.lower(), (link, reply.text[:500])


@pytest.mark.parametrize(("path", "backend"), [("/api", True), ("/api/x", True),
                                               ("/apix", False)])  # fmt: skip
def test_routes_stop_at_a_path_segment(platform: Platform, path: str, backend: bool) -> None:
    request_id = f"segment-{uuid.uuid4().hex[:8]}"
    reply = httpx.get(platform.edge + path, headers={"X-Request-ID": request_id}, timeout=30)
    reached = lambda: any(request_id in line for line in platform.lines("api"))  # noqa: E731
    if backend:
        eventually(reached)  # the backend answered, whatever it answered (`/api` redirects)
    else:
        assert reply.status_code == 404
        assert "text/html" in reply.headers["content-type"]  # the frontend's page
        assert not reached()


def test_edits_show_up_through_the_edge_without_a_restart(
    platform: Platform, browser: Browser
) -> None:
    """`make dev` reloads a backend route and a frontend page on save."""
    marker = uuid.uuid4().hex[:8]
    page_file = platform.root / "services/web/app/page.tsx"
    heading = ">Items</h1>"
    assert heading in page_file.read_text()
    page = browser.new_page()
    page.set_default_timeout(DEV_TIMEOUT_MS)
    page.goto(f"{platform.edge}/")
    expect(page.get_by_role("heading", name="Items")).to_be_visible()
    page_file.write_text(page_file.read_text().replace(heading, f">Items {marker}</h1>"))
    # The open page updates itself (hot reload through the edge); a new request sees it too.
    expect(page.get_by_role("heading", name=f"Items {marker}")).to_be_visible()
    assert marker in httpx.get(f"{platform.edge}/", timeout=60).text
    page.close()

    # The backend restarts its worker on save (requests wait for it meanwhile).
    routes = next((platform.root / "services/api/src").glob("*/api/routes/health.py"))
    routes.write_text(
        routes.read_text()
        + f"""

@router.get("/edited")
async def edited() -> dict[str, str]:
    return {{"edited": "{marker}"}}
"""
    )

    def reloaded() -> bool:
        try:
            reply = httpx.get(f"{platform.edge}/api/edited", timeout=30)
        except httpx.HTTPError as error:  # the worker is still restarting
            raise AssertionError(error) from error
        assert reply.status_code == 200, reply.text
        return bool(reply.json() == {"edited": marker})

    eventually(reloaded, timeout=120)
    assert any("Reloading" in line for line in platform.lines("api"))


@pytest.fixture(scope="module")
def two_backends(template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    """Two backends and one frontend, on SQLite (the default of native mode), as `make start`
    runs them: the images' commands."""
    services = workspace_services(api=("backend", "/api"), billing=("backend", "/billing"),
                                  web=("frontend", "/"))  # fmt: skip
    root = render_workspace(template, tmp_path_factory.mktemp("ws2") / "demo", services)
    with running(root, ["/api/readyz", "/billing/readyz", "/"], target="start") as started:
        yield started


def test_start_runs_the_images_commands_without_warnings(two_backends: Platform) -> None:
    # Next's standalone server, from the folder the Dockerfile copies, with its static assets.
    standalone = two_backends.root / "services/web/.next/standalone"
    assert any(_cwd_and_exe(pid) == (standalone, "node") for pid in os.listdir("/proc"))
    html = httpx.get(f"{two_backends.edge}/", timeout=30).text
    asset = re.search(r'/_next/static/[^"]+\.js', html)
    assert asset, html[:2000]
    assert httpx.get(two_backends.edge + asset.group(0), timeout=30).status_code == 200
    web = "\n".join(two_backends.lines("web"))
    assert "does not work with" not in web
    assert "⚠" not in web
    for backend in ("api", "billing"):
        assert not any("Reloading" in line or "WatchFiles" in line
                       for line in two_backends.lines(backend))  # fmt: skip


def _cwd_and_exe(pid: str) -> tuple[Path, str] | None:
    """Where a process runs and its program's name (Next renames its process title)."""
    try:
        return Path(f"/proc/{pid}/cwd").resolve(), Path(f"/proc/{pid}/exe").resolve().name
    except OSError:
        return None


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
