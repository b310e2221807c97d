"""Tier 3: a generated frontend repo passes its own checks, as its README runs them.

The default render runs `make setup` and `make check` (ESLint, Prettier, tsc, Vitest with
coverage, the API types and event contracts checks, `next build`, Playwright in the system
Chromium against the Prism mock); a changed event schema fails the contracts check until
`make gen-events` rewrites them. Its standalone output, assembled as the Dockerfile copies
it, then serves /healthz, /metrics (on a port of their own) and the pages against a recording
backend (request id and traceparent sent, traces exported over OTLP/HTTP), shows an error
state once the backend is gone, and refuses to start on a bad setting. `make dev` serves. commitlint
refuses a message that is not a Conventional Commit, in the commit-msg hook and in `make
commits-check`. A second render, the frontend at /admin with basePath and its backend at
/billing, passes `make check` on the oldest Node.js offered and on the newest. Every command
runs on the Node.js major the repo's `.nvmrc` names (from the suite's cache, see
node_runtimes.py), as CI's setup-node does.
Which tier-3 run covers each offered choice is listed in test_offered_choices.py.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from commit_checks import check_commit_messages
from helpers import ROOT, free_port, render, run, tool
from node_runtimes import repo_node_env

pytestmark = [pytest.mark.generated, pytest.mark.xdist_group("frontend")]

CHROMIUM = "/usr/bin/chromium"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
# The /admin variant, checked on the oldest and the newest Node.js offered.
PREFIX_NODE_VERSIONS = ("20", "24")
ADMIN_BILLING: dict[str, Any] = {
    "services": [
        {"name": "billing", "kind": "backend", "route": "/billing", "port": 8123},
        {"name": "admin", "kind": "frontend", "route": "/admin"},
    ],
}
# The sign-in variant: Auth.js against the dev OpenID provider the repo ships.
OIDC_ANSWERS: dict[str, Any] = {"auth": "oidc"}


def make(
    project: Path, *targets: str, timeout: float = 900, chromium: str | None = CHROMIUM
) -> str:
    """`make <targets>` as a newcomer runs it, on .nvmrc's Node.js, with free ports and the
    system Chromium.

    With `chromium=None`, CHROMIUM_PATH stays unset: the repo must find Debian's by itself.
    """
    env = {
        **repo_node_env(project),
        **({"CHROMIUM_PATH": chromium} if chromium else {}),
        "E2E_APP_PORT": str(free_port()),
        "E2E_MOCK_PORT": str(free_port()),
        "E2E_OIDC_PORT": str(free_port()),
        "E2E_METRICS_PORT": str(free_port()),
        "NEXT_TELEMETRY_DISABLED": "1",
        # The pnpm store is shared between renders: repeated installs link, not download.
        "npm_config_prefer_offline": "true",
    }
    return ANSI.sub("", run(["make", *targets], cwd=project, env=env, timeout=timeout).stdout)


@pytest.fixture(scope="module")
def frontend(template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    tool("pnpm")
    assert Path(CHROMIUM).is_file(), "Debian's chromium is missing: run `make setup`"
    project = render(template, tmp_path_factory.mktemp("frontend-app") / "web",
                     {"template_kind": "frontend"})  # fmt: skip
    make(project, "setup", timeout=600)
    return project


def test_make_ci_local_passes(frontend: Path) -> None:
    """`make ci-local` without act or Docker runs CI's Make targets: `make check`'s and setup."""
    printed = make(frontend, "ci-local", timeout=1200)
    assert "Running the Make targets CI runs instead: setup lint typecheck" in printed
    assert "lib/api/schema.d.ts is up to date" in printed
    assert "lib/event-contracts.ts is up to date" in printed
    assert re.search(r"Tests\s+\d+ passed", printed), "vitest ran no test"
    assert re.search(r"^\s+\d+ passed \(", printed, re.M), "playwright ran no test"
    assert not re.search(r"\d+ (failed|skipped)", printed)


def test_event_contracts_follow_the_event_schemas(frontend: Path) -> None:
    """A changed event schema makes the check fail until `make gen-events` rewrites the types."""
    schema_file, generated = (
        frontend / "schemas/item.created.v1.json",
        frontend / "lib/event-contracts.ts",
    )
    originals = {path: path.read_bytes() for path in (schema_file, generated)}
    schema = json.loads(schema_file.read_text())
    schema["$defs"]["Item"]["properties"]["colour"] = {"type": "string"}
    schema["$defs"]["Item"]["required"].append("colour")
    try:
        schema_file.write_text(json.dumps(schema, indent=2) + "\n")
        stale = run(["make", "gen-events-check"], cwd=frontend, env=repo_node_env(frontend),
                    check=False)  # fmt: skip
        assert stale.returncode != 0
        assert "lib/event-contracts.ts is stale against schemas/" in stale.stdout
        make(frontend, "gen-events")
        assert "colour: z.string()" in generated.read_text()
        assert "is up to date" in make(frontend, "gen-events-check")
    finally:
        for path, text in originals.items():
            path.write_bytes(text)


def test_repo_pins_node_and_pnpm(frontend: Path) -> None:
    package = json.loads((frontend / "package.json").read_text())
    assert package["name"] == "my-platform-web"
    assert package["private"] is True
    assert package["packageManager"] == "pnpm@10.34.8"
    assert package["engines"]["node"] == ">=20.9"
    assert (frontend / ".nvmrc").read_text() == "22\n"
    lock = (frontend / "pnpm-lock.yaml").read_text()
    assert "my-platform-web" not in lock, "the lockfile must be the same for every render"


def test_pre_commit_hooks_run_make_equivalents(frontend: Path) -> None:
    run(
        [tool("yamllint"), "--strict", "-c", ROOT / ".yamllint.yml", ".pre-commit-config.yaml"],
        cwd=frontend,
    )
    config = (frontend / ".pre-commit-config.yaml").read_text()
    package = json.loads((frontend / "package.json").read_text())
    for script in re.findall(r"entry: pnpm run ([\w-]+)", config):
        assert script in package["scripts"], f"pre-commit runs a missing script: {script}"


def test_commit_messages_are_checked_by_the_hook_and_in_ci(frontend: Path) -> None:
    """commitlint with the conventional rules, in the commit-msg hook `make setup` installs
    through pre-commit and in `make commits-check`, CI's step."""
    check_commit_messages(
        frontend,
        repo_node_env(frontend),
        good="feat(pages): show the platform's name",
        refusal="type may not be empty",
    )


# ---- the image's runtime, natively ----------------------------------------------------------


def runtime_tree(project: Path, dest: Path) -> Path:
    """The runtime stage's files, copied as the Dockerfile's `COPY --from=build` lines say."""
    dockerfile = (project / "Dockerfile").read_text()
    copies = re.findall(r"^COPY --from=build /app/(\S+) (\S+)$", dockerfile, re.M)
    assert {source for source, _ in copies} >= {".next/standalone", ".next/static", "public"}
    for source, target in copies:
        shutil.copytree(project / source, dest / target, symlinks=True, dirs_exist_ok=True)
    return dest


def get(url: str) -> tuple[int, dict[str, str], str]:
    """Status, headers (lowercase names) and body of a GET, error statuses included."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            status, headers, body = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, headers, body = error.code, error.headers, error.read()
    return status, {name.lower(): value for name, value in headers.items()}, body.decode()


class Recorder(ThreadingHTTPServer):
    """A loopback HTTP server that records each request and answers from a table."""

    def __init__(self, answers: dict[str, tuple[int, str]]) -> None:
        self.answers = answers
        self.seen: list[tuple[str, str, dict[str, str], bytes]] = []
        super().__init__(("127.0.0.1", 0), _RecordingHandler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def requests_to(self, prefix: str) -> list[tuple[str, str, dict[str, str], bytes]]:
        return [seen for seen in self.seen if seen[1].startswith(prefix)]


class _RecordingHandler(BaseHTTPRequestHandler):
    server: Recorder

    def _read_body(self) -> bytes | None:
        """The body, whole or chunked; None when it is over BODY_LIMIT. Like the backend's
        server, it reads a body to its end before it answers, so no reset loses the answer."""
        if self.headers.get("transfer-encoding", "").lower() != "chunked":
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
        else:
            chunks = []
            while size := int(self.rfile.readline().split(b";")[0], 16):
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            self.rfile.readline()
            body = b"".join(chunks)
        return None if len(body) > BODY_LIMIT else body

    def _answer(self) -> None:
        body = self._read_body()
        if body is None:
            self._reply(413, '{"error": {"code": "payload_too_large", "message": "Too large", '
                             '"details": []}}')  # fmt: skip
            self.close_connection = True
            return
        headers = {name.lower(): value for name, value in self.headers.items()}
        self.server.seen.append((self.command, self.path, headers, body))
        path = self.path.split("?")[0]
        status, text = self.server.answers.get(
            path, (404, '{"error": {"code": "not_found", "message": "No route", "details": []}}')
        )
        if path == UPLOAD_PATH:
            status, text = 201, json.dumps({"received": len(body)})
        self._reply(status, text)

    def _reply(self, status: int, text: str) -> None:
        payload = text.encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = _answer

    def log_message(self, format: str, *args: Any) -> None:
        del format, args  # quiet


# The recording backend's body limit, and a path where it answers with the size it received.
BODY_LIMIT = 2 * 1024 * 1024
UPLOAD_PATH = "/api/upload"
ITEM = {"id": 7, "name": "Traced lamp", "description": None,
        "created_at": "2026-01-01T12:00:00Z", "updated_at": "2026-01-01T12:00:00Z"}  # fmt: skip


@dataclass
class Standalone:
    origin: str
    metrics: str
    backend: Recorder
    collector: Recorder


@pytest.fixture(scope="module")
def standalone(frontend: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Standalone]:
    """`node server.js` of the runtime tree, a recording backend and an OTLP receiver."""
    if not (frontend / ".next/standalone/server.js").is_file():
        make(frontend, "build")
    app = runtime_tree(frontend, tmp_path_factory.mktemp("frontend-runtime"))
    page = {"items": [ITEM], "total": 1, "limit": 20, "offset": 0}
    backend = Recorder({"/api/healthz": (200, '{"status": "ok"}'),
                        "/api/items": (200, json.dumps(page))})  # fmt: skip
    collector = Recorder({"/v1/traces": (200, "{}")})
    port, metrics_port = free_port(), free_port()
    env = {**os.environ, **repo_node_env(frontend), "NODE_ENV": "production",
           "HOSTNAME": "127.0.0.1", "PORT": str(port), "METRICS_PORT": str(metrics_port),
           "BACKEND_URL": backend.origin, "LOG_LEVEL": "warn",
           "OTEL_EXPORTER_OTLP_ENDPOINT": collector.origin,
           "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json"}  # fmt: skip
    server = subprocess.Popen(["node", "server.js"], cwd=app, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    origin = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, "node server.js exited"
            try:
                if get(f"{origin}/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the server did not answer within 60 s"
            time.sleep(0.5)
        yield Standalone(origin, f"http://127.0.0.1:{metrics_port}", backend, collector)
    finally:
        server.terminate()
        server.wait(timeout=15)
        for recorder in (backend, collector):
            recorder.shutdown()
            recorder.server_close()


def test_standalone_serves_healthz(standalone: Standalone) -> None:
    status, headers, body = get(f"{standalone.origin}/healthz")
    assert status == 200
    assert headers["content-type"].startswith("application/json")
    assert json.loads(body) == {"status": "ok"}


def test_standalone_serves_prometheus_metrics_on_their_own_port(standalone: Standalone) -> None:
    # Not on the app's port, which an edge routes: at the root it would publish them.
    assert get(f"{standalone.origin}/metrics")[0] == 404
    status, headers, body = get(f"{standalone.metrics}/metrics")
    assert status == 200
    assert headers["content-type"].startswith("text/plain; version=0.0.4")
    for metric in ("process_cpu_user_seconds_total", "process_resident_memory_bytes",
                   "nodejs_heap_size_used_bytes", "nodejs_eventloop_lag_seconds"):  # fmt: skip
        assert re.search(rf"^{metric} [0-9.e+-]+$", body, re.M), f"no {metric} in /metrics"


def post_expecting_continue(origin: str, path: str, size: int) -> tuple[int, bytes]:
    """A POST as curl sends a body over 1 MB: `Expect: 100-continue`, the body only after the
    server's `100 Continue`. Returns the final status and body."""
    host, port = origin.removeprefix("http://").split(":")
    head = (f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Length: {size}\r\n"
            "Content-Type: application/octet-stream\r\nExpect: 100-continue\r\n"
            "Connection: close\r\n\r\n").encode()  # fmt: skip
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(head)
        interim = sock.recv(1024)
        assert interim.startswith(b"HTTP/1.1 100 Continue\r\n\r\n"), interim
        with contextlib.suppress(OSError):  # the answer may come before the whole body
            sock.sendall(b"x" * size)
        received = b""
        with contextlib.suppress(ConnectionResetError):  # the answer read, the rest refused
            while chunk := sock.recv(65536):
                received += chunk
    status_line, _, rest = received.partition(b"\r\n")
    return int(status_line.split()[1]), rest.partition(b"\r\n\r\n")[2]


def test_standalone_streams_bodies_sent_with_expect_100_continue(standalone: Standalone) -> None:
    status, body = post_expecting_continue(standalone.origin, UPLOAD_PATH, 1_500_000)
    assert status == 201, body
    assert b'"received":1500000' in body.replace(b" ", b"")
    status, body = post_expecting_continue(standalone.origin, UPLOAD_PATH, 3 * BODY_LIMIT)
    assert status == 413, body  # the backend's own answer, not the forwarder's 502
    assert b"payload_too_large" in body


def test_standalone_renders_the_backends_items(standalone: Standalone) -> None:
    status, _, html = get(f"{standalone.origin}/")
    assert status == 200
    assert "<title>My Platform: web</title>" in html, "the title names the project and service"
    assert re.search(r'<link rel="icon" href="/favicon\.ico', html)
    with urllib.request.urlopen(f"{standalone.origin}/favicon.ico", timeout=10) as icon:
        assert icon.headers["content-type"] == "image/x-icon"
        assert icon.read().startswith(b"\x00\x00\x01\x00"), "not an ICO file"
    assert "Backend healthy" in html
    assert "Traced lamp" in html
    assets = re.findall(r'src="(/_next/static/[^"]+\.js)"', html)
    assert assets, "the page loads no JavaScript"
    assert get(f"{standalone.origin}{assets[0]}")[0] == 200, ".next/static is not served"


def test_standalone_sends_request_id_and_trace_context_to_the_backend(
    standalone: Standalone,
) -> None:
    get(f"{standalone.origin}/")
    calls = standalone.backend.requests_to("/api/items")
    assert calls, "the page did not call the backend"
    headers = calls[-1][2]
    assert re.fullmatch(r"[0-9a-f-]{36}", headers["x-request-id"])
    assert re.fullmatch(r"00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]", headers["traceparent"])


def test_standalone_exports_traces_over_otlp_http(standalone: Standalone) -> None:
    get(f"{standalone.origin}/")
    deadline = time.monotonic() + 30
    while not standalone.collector.requests_to("/v1/traces"):
        assert time.monotonic() < deadline, "no trace reached the OTLP receiver within 30 s"
        time.sleep(0.5)
    _, _, headers, body = standalone.collector.requests_to("/v1/traces")[0]
    assert headers["content-type"].startswith("application/json")
    exported = json.loads(body)
    services = {attribute["value"]["stringValue"]
                for spans in exported["resourceSpans"]
                for attribute in spans["resource"]["attributes"]
                if attribute["key"] == "service.name"}  # fmt: skip
    assert services == {"web"}


def test_standalone_renders_an_error_state_when_the_backend_is_down(
    standalone: Standalone,
) -> None:
    standalone.backend.shutdown()
    standalone.backend.server_close()
    status, _, html = get(f"{standalone.origin}/")
    assert status == 200
    assert "Backend unavailable" in html
    assert "The items could not be loaded" in html
    status, headers, body = get(f"{standalone.origin}/api/items")
    assert status == 502
    assert json.loads(body)["error"]["code"] == "backend_unavailable"
    assert headers["x-request-id"]


def test_standalone_stops_on_a_bad_setting_and_names_it(frontend: Path, tmp_path: Path) -> None:
    if not (frontend / ".next/standalone/server.js").is_file():
        make(frontend, "build")
    app = runtime_tree(frontend, tmp_path / "app")
    env = {**repo_node_env(frontend), "HOSTNAME": "127.0.0.1", "PORT": str(free_port()),
           "BACKEND_URL": "not a url"}  # fmt: skip
    proc = run(["node", "server.js"], cwd=app, env=env, timeout=60, check=False)
    assert proc.returncode == 1, proc.stdout
    message = 'BACKEND_URL: must be an http(s) URL such as http://127.0.0.1:8000 (got "not a url")'
    assert message in proc.stdout


def test_make_dev_serves_the_app(frontend: Path) -> None:
    """`make dev` as the README says, on a free port; the backend is not running."""
    port = free_port()
    env = {
        **os.environ,
        **repo_node_env(frontend),
        "NEXT_TELEMETRY_DISABLED": "1",
        "BACKEND_URL": f"http://127.0.0.1:{free_port()}",
        "METRICS_PORT": str(free_port()),
    }
    dev = subprocess.Popen(["make", "dev", f"DEV_PORT={port}"], cwd=frontend, env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           start_new_session=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 180
        while True:
            assert dev.poll() is None, "make dev exited"
            try:
                status, _, html = get(f"http://127.0.0.1:{port}/")
                break
            except OSError:
                assert time.monotonic() < deadline, "make dev did not serve / within 180 s"
                time.sleep(1)
        assert status == 200
        assert "The items could not be loaded" in html
    finally:
        os.killpg(dev.pid, signal.SIGTERM)
        dev.wait(timeout=30)


def test_make_mock_api_serves_the_contract_under_the_prefix(frontend: Path) -> None:
    port = free_port()
    mock = subprocess.Popen(["make", "mock-api", f"MOCK_API_PORT={port}"], cwd=frontend,
                            env={**os.environ, **repo_node_env(frontend)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            assert mock.poll() is None, "make mock-api exited"
            try:
                status, _, body = get(f"http://127.0.0.1:{port}/api/items")
                break
            except OSError:
                assert time.monotonic() < deadline, "make mock-api did not serve within 60 s"
                time.sleep(0.5)
        assert status == 200
        assert set(json.loads(body)) == {"items", "total", "limit", "offset"}
    finally:
        os.killpg(mock.pid, signal.SIGTERM)
        mock.wait(timeout=30)


# ---- a frontend under a prefix, with its backend elsewhere ----------------------------------


@pytest.mark.parametrize("node_version", PREFIX_NODE_VERSIONS)
def test_frontend_under_a_prefix_passes_make_check(
    template: Path, tmp_path: Path, node_version: str
) -> None:
    """`make check` on the Node.js `.nvmrc` names (make() asserts `node --version`)."""
    answers = {"template_kind": "frontend", "node_version": node_version, **ADMIN_BILLING}
    project = render(template, tmp_path / "admin", answers)
    assert (project / ".nvmrc").read_text() == f"{node_version}\n"
    assert (project / "app/billing/[[...path]]/route.ts").is_file()
    assert not (project / "app/api").exists()
    assert 'basePath: "/admin"' in (project / "next.config.ts").read_text()
    make(project, "setup", timeout=600)
    printed = make(project, "check", timeout=1200, chromium=None)
    assert "lib/api/schema.d.ts is up to date" in printed
    assert re.search(r"^\s+\d+ passed \(", printed, re.M), "playwright ran no test"


# ---- sign-in with OpenID Connect ---------------------------------------------------------------


@pytest.fixture(scope="module")
def oidc_frontend(template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = render(template, tmp_path_factory.mktemp("frontend-oidc") / "web",
                     {"template_kind": "frontend", **OIDC_ANSWERS})  # fmt: skip
    make(project, "setup", timeout=600)
    return project


def test_oidc_variant_passes_make_check(oidc_frontend: Path) -> None:
    """`make check` with sign-in: unit tests of the session and forwarder logic, and the
    browser signing in through the real dev provider (oidc/dev-provider.mjs) as a writer,
    a reader and a user of the other tenant, then signing out."""
    printed = make(oidc_frontend, "check", timeout=1200)
    assert re.search(r"Tests\s+\d+ passed", printed), "vitest ran no test"
    assert re.search(r"^\s+\d+ passed \(", printed, re.M), "playwright ran no test"
    assert not re.search(r"\d+ (failed|skipped|flaky)", printed)
    ran = ("sign in as a writer", "a reader sees no create form", "sign-out ends the session")
    for name in ran:
        assert name in printed, f"the browser test '{name}' did not run"


def oidc_server_env(frontend: Path, **settings: str) -> dict[str, str]:
    return {**repo_node_env(frontend), "NODE_ENV": "production", "HOSTNAME": "127.0.0.1",
            "PORT": str(free_port()), "METRICS_PORT": str(free_port()),
            "OIDC_ISSUER": f"http://127.0.0.1:{free_port()}", "OIDC_CLIENT_ID": "web",
            "OIDC_CLIENT_SECRET": "a-secret-of-the-deployment", "OIDC_AUDIENCE": "api",
            "AUTH_SECRET": "s" * 43, **settings}  # fmt: skip


@pytest.mark.parametrize(
    ("settings", "line"),
    [
        ({"OIDC_CLIENT_ID": ""},
         "OIDC_CLIENT_ID: is required: the client id registered at the provider"),
        ({"AUTH_SECRET": "change-me"},
         "AUTH_SECRET: must be at least 32 characters"),
        ({"OIDC_CLIENT_SECRET": "change-me"},
         "OIDC_CLIENT_SECRET: is still the example value: set a secret of your own"),
        ({}, "OIDC_ISSUER: http://127.0.0.1:{port} is unreachable"),
    ],
    ids=["missing-client-id", "short-session-key", "example-secret", "unreachable-issuer"],
)  # fmt: skip
def test_oidc_server_stops_on_bad_sign_in_settings(
    oidc_frontend: Path, tmp_path: Path, settings: dict[str, str], line: str
) -> None:
    if not (oidc_frontend / ".next/standalone/server.js").is_file():
        make(oidc_frontend, "build")
    app = runtime_tree(oidc_frontend, tmp_path / "app")
    env = oidc_server_env(oidc_frontend, **settings)
    proc = run(["node", "server.js"], cwd=app, env=env, timeout=90, check=False)
    assert proc.returncode == 1, proc.stdout
    issuer_port = env["OIDC_ISSUER"].rsplit(":", 1)[1]
    assert line.format(port=issuer_port) in proc.stdout
    assert "a-secret-of-the-deployment" not in proc.stdout


@pytest.mark.render
def test_frontend_without_a_backend_is_rejected(template: Path, tmp_path: Path) -> None:
    services = [{"name": "web", "kind": "frontend"}]
    dest = tmp_path / "lonely"
    with pytest.raises(ValueError, match="Validation error") as caught:
        render(template, dest, {"template_kind": "frontend", "services": services})
    assert "services has no backend for the frontends to talk to" in str(caught.value)
    assert not dest.exists()


@pytest.mark.render
def test_openapi_document_is_the_backends(template: Path, tmp_path: Path) -> None:
    """The committed document is byte for byte the one the backend commits (auth=none)."""
    backend = render(template, tmp_path / "api", {"template_kind": "backend", "auth": "none"})
    frontend = render(template, tmp_path / "web", {"template_kind": "frontend"})
    assert (frontend / "openapi.json").read_bytes() == (backend / "openapi.json").read_bytes()
    schemas = sorted(path.name for path in (backend / "schemas").iterdir())
    assert schemas == sorted(path.name for path in (frontend / "schemas").iterdir())
    for name in schemas:
        assert (frontend / "schemas" / name).read_bytes() == (
            backend / "schemas" / name
        ).read_bytes()
