"""The links native mode prints once the platform answers, and the wait for them."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from workspace import vocabulary
from workspace.manifest import Manifest, ServiceEntry
from workspace.native_config import Settings


def _prefix(service: ServiceEntry) -> str:
    return "" if service.route == "/" else service.route.rstrip("/")


def loopback_page(service: ServiceEntry) -> str:
    """A frontend's first page on its own port: asked for at once, `next dev` compiles it while
    the other processes start."""
    return f"http://127.0.0.1:{service.port}{_prefix(service) or '/'}"


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


def _until_up(url: str, deadline: float) -> bool:
    while not answers(url):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.25)
    return True


def wait_until_up(urls: list[str], timeout: float) -> bool:
    """True once every URL answers 200, False when the time is up. All are asked at once, so
    that a slow one (a first compile) does not hold back asking the others."""
    if not urls:
        return True
    deadline = time.monotonic() + timeout
    with ThreadPoolExecutor(max_workers=len(urls)) as pool:
        return all(pool.map(lambda url: _until_up(url, deadline), urls))
