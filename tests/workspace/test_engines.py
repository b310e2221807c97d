"""Tier 4: a platform whose manifest names NATS and Redis runs them natively under `make dev`,
beside two backends; each backend process is given their URLs, which reach the real servers,
and both backends serve through the edge."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import nats
import pytest
import redis

from platform_run import (
    LOOPBACK,
    Platform,
    listening,
    render_workspace,
    running,
    workspace_services,
)

pytestmark = [pytest.mark.workspace, pytest.mark.xdist_group("workspace")]

STARTED = re.compile(r"^(\S+) started \(pid=(\d+)\)$")


@pytest.fixture(scope="module")
def platform(template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    services = workspace_services(api=("backend", "/api"), orders=("backend", "/orders"))
    root = render_workspace(template, tmp_path_factory.mktemp("ws-engines") / "demo", services,
                            engines=["nats", "redis"])  # fmt: skip
    with running(root, ["/api/readyz", "/orders/readyz"]) as started:
        yield started


def process_env(platform: Platform, name: str) -> dict[str, str]:
    """The environment honcho's process `name` started with (its Procfile line execs the
    service's command, so the pid is the command's)."""
    pids = [m.group(2) for m in map(STARTED.match, platform.lines("system")) if m and
            m.group(1) == name]  # fmt: skip
    assert pids, platform.lines("system")
    raw = Path(f"/proc/{pids[-1]}/environ").read_bytes()
    return dict(item.split("=", 1) for item in raw.decode().split("\0") if "=" in item)


async def published_and_read(url: str) -> bytes:
    client = await nats.connect(url)
    try:
        stream = client.jetstream()
        await stream.add_stream(name="PROBE", subjects=["probe.>"])
        await stream.publish("probe.created", b"{}", headers={"Nats-Msg-Id": "probe-1"})
        reader = await stream.pull_subscribe("probe.>", durable="probe")
        (message,) = await reader.fetch(1, timeout=10)
        await message.ack()
        return message.data
    finally:
        await client.close()


def test_engines_listen_on_loopback_at_their_settings(platform: Platform) -> None:
    for setting in ("NATS_PORT", "REDIS_PORT"):
        addresses = listening(platform.settings[setting])
        assert addresses, f"nothing listens on {setting}={platform.settings[setting]}"
        assert addresses <= LOOPBACK, addresses


def test_every_backend_is_given_the_engines_urls_which_reach_them(platform: Platform) -> None:
    expected = {
        "NATS_URL": f"nats://127.0.0.1:{platform.settings['NATS_PORT']}",
        "REDIS_URL": f"redis://127.0.0.1:{platform.settings['REDIS_PORT']}/0",
    }
    for backend in ("api", "orders"):
        env = process_env(platform, backend)
        assert {key: env.get(key) for key in expected} == expected, backend
        health = httpx.get(f"{platform.edge}/{backend}/readyz", timeout=10)
        assert health.status_code == 200, health.text
    client = redis.Redis.from_url(expected["REDIS_URL"])
    try:
        assert client.ping()
        assert client.config_get("appendonly")["appendonly"] == "yes"
    finally:
        client.close()
    assert asyncio.run(published_and_read(expected["NATS_URL"])) == b"{}"
    # Their data lives in the workspace's state folder.
    assert (platform.root / ".native" / "nats" / "jetstream").is_dir()
    assert (platform.root / ".native" / "redis").is_dir()
