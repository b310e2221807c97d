"""Tier 4: a platform with NATS and Redis, two backends where `orders` consumes `api`'s
events, and a frontend, under `make dev` with two replicas of `api` behind its one Traefik
service: the live page, through the edge, shows a change made through either replica, and
`orders` processes each event once."""

from __future__ import annotations

import re
import sqlite3
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml
from playwright.sync_api import Browser, expect

from platform_run import (
    DEV_TIMEOUT_MS,
    Platform,
    render_workspace,
    running,
    workspace_services,
)

pytestmark = [pytest.mark.workspace, pytest.mark.xdist_group("workspace")]

EVENT_TIMEOUT = 30.0


@pytest.fixture(scope="module")
def platform(template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    services = workspace_services(api=("backend", "/api"), orders=("backend", "/orders"),
                                  web=("frontend", "/"))  # fmt: skip
    services[1]["consumes"] = ["api"]
    root = render_workspace(template, tmp_path_factory.mktemp("ws-replicas") / "demo", services,
                            engines=["nats", "redis"])  # fmt: skip
    ready = ["/api/readyz", "/orders/readyz", "/", "/live"]
    with running(root, ready, {"REPLICAS": "api=2"}) as started:
        yield started


def api_servers(platform: Platform) -> list[str]:
    """The servers of api's Traefik service, as Traefik loaded them."""
    reply = httpx.get(f"{platform.dashboard}/api/http/services/api@file", timeout=10)
    assert reply.status_code == 200, reply.text
    return [s["url"] for s in reply.json()["loadBalancer"]["servers"]]


def test_traefik_balances_api_over_two_ready_replicas(platform: Platform) -> None:
    servers = api_servers(platform)
    assert len(servers) == 2, servers
    assert servers[0] == f"http://127.0.0.1:{platform.ports['api']}"
    written = yaml.safe_load((platform.root / ".native" / "dynamic.yml").read_text())
    assert [s["url"] for s in written["http"]["services"]["api"]["loadBalancer"]["servers"]] == \
        servers  # fmt: skip
    for server in servers:
        assert httpx.get(f"{server}/api/readyz", timeout=10).status_code == 200, server
    # The second replica is its own process (honcho's `api.2`), not the first one twice.
    started = [line for line in platform.lines("system") if line.startswith("api.2 started")]
    assert started, platform.lines("system")


def test_live_page_shows_each_replica_s_change_and_orders_consumes_them(
    platform: Platform, browser: Browser
) -> None:
    context = browser.new_context()
    context.set_default_timeout(DEV_TIMEOUT_MS)
    live = context.new_page()
    live.goto(f"{platform.edge}/live")
    expect(live.get_by_text("Connected")).to_be_visible()
    # The page's stream is served by one replica: a change through each one (straight to its
    # own port, not through the edge) means one of them is the other replica's.
    created = []
    for server in api_servers(platform):
        name = f"replica-{uuid.uuid4().hex[:8]}"
        reply = httpx.post(f"{server}/api/items", json={"name": name}, timeout=10)
        assert reply.status_code == 201, reply.text
        created.append((reply.json()["id"], name))
    for item, name in created:
        expect(live.get_by_text(f"#{item} {name}")).to_be_visible(timeout=EVENT_TIMEOUT * 1000)
    context.close()

    # orders' consumer handled each creation once (its handler logs `api: item.created item N`).
    def handled(item: int) -> list[str]:
        pattern = re.compile(rf"\bapi: \S*created item {item}\b")
        return [line for line in platform.lines("orders") if pattern.search(line)]

    deadline = time.monotonic() + EVENT_TIMEOUT
    while not all(handled(item) for item, _ in created) and time.monotonic() < deadline:
        time.sleep(0.5)
    for item, _ in created:
        events = [line for line in platform.lines("orders") if "consumer" in line or "api:" in line]
        assert len(handled(item)) == 1, (item, events)
    # ... and recorded each event once in its inbox, shared by its replicas (SQLite natively).
    database = platform.root / "services" / "orders" / "data" / "app.db"
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as inbox:
        rows = inbox.execute("SELECT consumer, count(*) FROM inbox GROUP BY consumer").fetchall()
    assert rows == [("orders-from-api", len(created))]
