"""The links native mode prints once the platform answers, and the wait for them."""

from __future__ import annotations

import time
import urllib.error
import urllib.request

from workspace import vocabulary
from workspace.manifest import Manifest, ServiceEntry
from workspace.native_config import Settings


def _prefix(service: ServiceEntry) -> str:
    return "" if service.route == "/" else service.route.rstrip("/")


def links(manifest: Manifest, settings: Settings, *, prometheus: bool) -> list[tuple[str, str]]:
    """(what, URL) for the apps, every backend's API docs, the dashboard, Prometheus and
    each service's health, all through the ports this run listens on."""
    runtimes = vocabulary.runtimes()
    found = [(f"{s.name} {runtimes[s.name].link[0]}", f"{settings.edge}{runtimes[s.name].link[1]}")
             for s in manifest.services]  # fmt: skip
    found.append(("Traefik dashboard", f"{settings.dashboard}/dashboard/"))
    if prometheus:
        found.append(("Prometheus", f"{settings.prometheus}/"))
    found += [(f"{s.name} health", f"{settings.edge}{_prefix(s)}/healthz")
              for s in manifest.services]  # fmt: skip
    return found


def banner(found: list[tuple[str, str]], seconds: float) -> str:
    width = max(len(what) for what, _ in found)
    rows = [f"  {what:<{width}}  {url}" for what, url in found]
    return "\n".join(["", f"The platform is up after {seconds:.1f} s (Ctrl-C stops it):",
                      *rows, ""]) + "\n"  # fmt: skip


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=60) as reply:
            return bool(reply.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def wait_until_up(urls: list[str], timeout: float) -> bool:
    """True once every URL answers 200, False when the time is up."""
    deadline = time.monotonic() + timeout
    pending = list(urls)
    while pending:
        if answers(pending[0]):
            pending.pop(0)
            continue
        if time.monotonic() > deadline:
            return False
        time.sleep(0.25)
    return True
