"""Run a rendered workspace the way a user does (`make dev` or `make start`), on free
loopback ports."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import yaml

from helpers import free_port, render, stop_group

# `next dev` compiles a page on its first request: the browser waits that long for one.
DEV_TIMEOUT_MS = 120_000
READY_TIMEOUT = 900  # the first run installs every service (and `make start` builds them)
# honcho's prefix: time, process name (padded), bar.
PREFIXED = re.compile(r"^\d\d:\d\d:\d\d (\S+)\s*\| ?(.*)$")


@dataclass
class Platform:
    root: Path
    edge: str
    dashboard: str
    prometheus: str
    log: Path
    ports: dict[str, int]
    metrics_ports: dict[str, int]
    settings: dict[str, int]  # the native ports it was given: EDGE_PORT, NATS_PORT, ...

    def lines(self, process: str) -> list[str]:
        """Output lines of one process (`api`, `web`, `traefik`, `prometheus`, `system`)."""
        text = self.log.read_text(errors="replace")
        found = (PREFIXED.match(line) for line in text.splitlines())
        return [m.group(2) for m in found if m and m.group(1) == process]

    def banner(self) -> list[str]:
        """The links printed once the platform is up, as printed."""
        text = self.log.read_text(errors="replace")
        block = text.split("The platform is up after", 1)[1].split("\n\n", 1)[0]
        return [line.split()[-1] for line in block.splitlines()[1:] if line.strip()]


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


def workspace_services(**routes: tuple[str, str]) -> list[dict[str, Any]]:
    """Manifest entries {name: (kind, route)} with free ports, so tests never collide."""
    return [
        {"name": name, "kind": kind, "route": route, "port": free_port()}
        for name, (kind, route) in routes.items()
    ]


def render_workspace(
    template: Path,
    dest: Path,
    services: list[dict[str, Any]],
    engines: list[str] | None = None,
    auth: str = "none",
) -> Path:
    return render(template, dest, {"template_kind": "meta", "project_slug": "demo",
                                   "services": services, "engines": engines or [],
                                   "auth": auth})  # fmt: skip


def _wait_ready(process: subprocess.Popen[bytes], urls: list[str], log: Path) -> None:
    """Until the run prints its links (each answered), then every URL answers 200."""
    deadline = time.monotonic() + READY_TIMEOUT
    pending = list(urls)
    while pending:
        if process.poll() is not None:
            raise AssertionError(f"the run exited {process.returncode}:\n{log.read_text()[-6000:]}")
        if time.monotonic() > deadline:
            raise AssertionError(f"not ready: {pending}\n{log.read_text()[-6000:]}")
        if "The platform is up after" in log.read_text(errors="replace"):
            try:
                if httpx.get(pending[0], timeout=60).status_code == 200:
                    pending.pop(0)
                    continue
            except httpx.HTTPError:
                pass
        time.sleep(1)


def metrics_ports(root: Path) -> dict[str, int]:
    """Where each service serves its metrics, as the Prometheus config of Docker mode says."""
    config = yaml.safe_load((root / "observability/prometheus/prometheus.yml").read_text())
    return {group["labels"]["service"]: int(target.rsplit(":", 1)[1])
            for job in config["scrape_configs"] for group in job["static_configs"]
            if "service" in group.get("labels", {}) for target in group["targets"]}  # fmt: skip


@contextmanager
def running(
    root: Path, ready_paths: list[str], env: dict[str, str] | None = None, target: str = "dev"
) -> Iterator[Platform]:
    """`make dev` (or `make start`) in the foreground of a new session; stopped with Ctrl-C
    (SIGINT) at the end."""
    # Every port native mode listens on, the engines' too, free: tests never collide.
    settings = ("EDGE_PORT", "DASHBOARD_PORT", "TRAEFIK_METRICS_PORT", "PROMETHEUS_PORT",
                "NATS_PORT", "REDIS_PORT", "OIDC_DEV_PORT")  # fmt: skip
    ports = {key: free_port() for key in settings}
    manifest = yaml.safe_load((root / "polystack.yml").read_text())
    services = {s["name"]: s["port"] for s in manifest["services"]}
    log = root / f"{target}.log"
    full_env = {**os.environ, **{k: str(v) for k, v in ports.items()},
                "NEXT_TELEMETRY_DISABLED": "1", **(env or {})}  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["make", target], cwd=root, env=full_env, stdout=out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
    loopback = "http://127.0.0.1:{}".format
    platform = Platform(root, loopback(ports["EDGE_PORT"]), loopback(ports["DASHBOARD_PORT"]),
                        loopback(ports["PROMETHEUS_PORT"]), log, services,
                        metrics_ports(root), ports)  # fmt: skip
    try:
        _wait_ready(process, [platform.edge + path for path in ready_paths], log)
        yield platform
    finally:
        stop_group(process, signal.SIGINT, timeout=60)  # Ctrl-C, as a user stops it
