"""Smoke and browser checks of the running platform, through its one origin (Traefik).

Reads the services from polystack.yml and checks, for each backend, the shared API contract
(health, readiness, the items list, the error envelope, request ids) and, for each frontend,
that its pages load in a real browser without errors. Exits non-zero on the first failure.

    python ci/smoke.py --base-url http://127.0.0.1:8080
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 10
SETTLE_MS = 2000


class SmokeError(AssertionError):
    """A check failed; the message says which and what came back."""


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise SmokeError(message)


def expect_json(url: str, status: int, headers: dict[str, str] | None = None) -> Any:
    code, _, body = fetch(url, headers)
    expect(code == status, f"GET {url}: expected {status}, got {code}: {body[:300]!r}")
    return json.loads(body)


def check_backend(base: str, prefix: str) -> None:
    api = base + prefix
    expect(expect_json(f"{api}/healthz", 200) == {"status": "ok"}, f"{api}/healthz")
    expect(expect_json(f"{api}/readyz", 200).get("status") == "ready", f"{api}/readyz")
    page = expect_json(f"{api}/items?limit=1&offset=0", 200)
    expect({"items", "total", "limit", "offset"} <= set(page), f"{api}/items: {page}")
    expect(page["limit"] == 1, f"{api}/items ignored limit: {page}")
    missing = expect_json(f"{api}/items/2147483647", 404)
    expect(missing.get("error", {}).get("code") == "not_found", f"404 envelope: {missing}")
    request_id = uuid.uuid4().hex
    _, headers, _ = fetch(f"{api}/healthz", {"X-Request-ID": request_id})
    echoed = {k.lower(): v for k, v in headers.items()}.get("x-request-id")
    expect(echoed == request_id, f"{api}/healthz did not echo X-Request-ID: {echoed!r}")
    expect(headers.get("X-Content-Type-Options") == "nosniff", "security headers missing")


def check_frontend_http(base: str, route: str, prefix: str) -> None:
    code, headers, _ = fetch(base + route)
    expect(code == 200, f"GET {base + route}: {code}")
    expect(headers.get("Content-Type", "").startswith("text/html"), f"{route} is not HTML")
    code, _, _ = fetch(f"{base}{prefix}/healthz")
    expect(code == 200, f"GET {base}{prefix}/healthz: {code}")


class PageProblems:
    """Everything that went wrong while one page loaded."""

    def __init__(self, page: Any, origin: str) -> None:
        self.origin = origin
        self.found: list[str] = []
        page.on("console", self.on_console)
        page.on("pageerror", lambda error: self.found.append(f"page error: {error}"))
        page.on("response", self.on_response)
        page.on("requestfailed", lambda request: self.found.append(f"failed: {request.url}"))

    def on_console(self, message: Any) -> None:
        if message.type == "error":
            self.found.append(f"console: {message.text}")

    def on_response(self, response: Any) -> None:
        if response.url.startswith(self.origin) and response.status >= 400:
            self.found.append(f"{response.status} {response.url}")


def check_pages_in_browser(base: str, routes: list[str], executable: str | None) -> None:
    """Each frontend page loads; no console error, no failed same-origin request."""
    from playwright.sync_api import sync_playwright

    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"]  # fmt: skip
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=args)
        try:
            for route in routes:
                page = browser.new_page()
                problems = PageProblems(page, base)
                # Not "networkidle": a page holding a Server-Sent Events stream never idles.
                response = page.goto(base + route, wait_until="load")
                page.wait_for_timeout(SETTLE_MS)  # the requests made once the page hydrates
                expect(response is not None and response.ok, f"browser: {route} did not load")
                expect(bool(page.title()), f"browser: {route} has no title")
                expect(not problems.found, f"browser: {route}: {problems.found}")
                page.close()
        finally:
            browser.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8080")
    parser.add_argument("--manifest", type=Path, default=ROOT / "polystack.yml")
    parser.add_argument("--browser", help="Chromium to drive (default: Playwright's own)")
    parser.add_argument("--no-browser", action="store_true", help="HTTP checks only")
    args = parser.parse_args(argv)
    base = args.base_url.rstrip("/")
    services = yaml.safe_load(args.manifest.read_text())["services"]
    try:
        for service in services:
            prefix = "" if service["route"] == "/" else service["route"]
            if service["kind"] == "backend":
                check_backend(base, prefix)
            else:
                check_frontend_http(base, service["route"], prefix)
            print(f"ok  {service['kind']:8} {service['name']} at {service['route']}")
        frontends = [s["route"] for s in services if s["kind"] == "frontend"]
        if frontends and not args.no_browser:
            check_pages_in_browser(base, frontends, args.browser)
            print(f"ok  browser  {len(frontends)} frontend page(s)")
    except (SmokeError, OSError) as error:
        print(f"FAIL {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
