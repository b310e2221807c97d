"""Run a rendered workspace the way a user does (`make dev`), on free loopback ports."""

from __future__ import annotations

import os
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

READY_TIMEOUT = 900  # the first `make dev` installs and builds every service


@dataclass
class Platform:
    root: Path
    edge: str
    dashboard: str
    log: Path
    ports: dict[str, int]

    def lines(self, process: str) -> list[str]:
        """Output lines of one honcho process (`api`, `web`, `traefik`)."""
        prefix = f" {process}.1 "
        text = self.log.read_text(errors="replace")
        return [
            line.split("|", 1)[1] for line in text.splitlines() if prefix in line and "|" in line
        ]


def workspace_services(**routes: tuple[str, str]) -> list[dict[str, Any]]:
    """Manifest entries {name: (kind, route)} with free ports, so tests never collide."""
    return [
        {"name": name, "kind": kind, "route": route, "port": free_port()}
        for name, (kind, route) in routes.items()
    ]


def render_workspace(template: Path, dest: Path, services: list[dict[str, Any]]) -> Path:
    return render(template, dest, {"template_kind": "meta", "project_slug": "demo",
                                   "services": services})  # fmt: skip


def _wait_ready(process: subprocess.Popen[bytes], urls: list[str], log: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    pending = list(urls)
    while pending:
        if process.poll() is not None:
            raise AssertionError(
                f"`make dev` exited {process.returncode}:\n{log.read_text()[-6000:]}"
            )
        if time.monotonic() > deadline:
            raise AssertionError(f"not ready: {pending}\n{log.read_text()[-6000:]}")
        try:
            if httpx.get(pending[0], timeout=5).status_code == 200:
                pending.pop(0)
                continue
        except httpx.HTTPError:
            pass
        time.sleep(1)


@contextmanager
def running(
    root: Path, ready_paths: list[str], env: dict[str, str] | None = None
) -> Iterator[Platform]:
    """`make dev` in the foreground of a new session; stopped with Ctrl-C (SIGINT) at the end."""
    edge, dashboard = free_port(), free_port()
    manifest = yaml.safe_load((root / "polystack.yml").read_text())
    ports = {s["name"]: s["port"] for s in manifest["services"]}
    log = root / "dev.log"
    full_env = {**os.environ, "EDGE_PORT": str(edge), "DASHBOARD_PORT": str(dashboard),
                "NEXT_TELEMETRY_DISABLED": "1", **(env or {})}  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["make", "dev"], cwd=root, env=full_env, stdout=out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
    platform = Platform(
        root, f"http://127.0.0.1:{edge}", f"http://127.0.0.1:{dashboard}", log, ports
    )
    try:
        _wait_ready(process, [platform.edge + path for path in ready_paths], log)
        yield platform
    finally:
        stop_group(process, signal.SIGINT, timeout=60)  # Ctrl-C, as a user stops `make dev`
