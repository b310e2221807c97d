#!/usr/bin/env python3
"""The generated backend's sustained write rate, against the last release's.

    uv run python scripts/bench_write_rate.py [--duration 20] [--rounds 10] [--concurrency 8]
                                              [--postgres] [--nats] [--keep DIR]

Renders a backend with the defaults twice: at the last release `releases.yml` records (its
tag rebuilt in a scratch clone) and from this checkout as it is. Installs each (`uv sync
--locked`, from the uv cache when it holds every package) and starts each as it runs in
production: `python -m <package> migrate`, then `python -m <package> serve` on 127.0.0.1,
each on its own throwaway SQLite file (`--postgres`: its own empty database of one
PostgreSQL server started on 127.0.0.1, as the suite's tests start it), with the same
production settings (JSON logs at INFO, telemetry on, traces exported over OTLP/HTTP to a
local sink that drops them, no rate limit) and no `NATS_URL` or `REDIS_URL`: the
development default both ship. On SQLite the last release opens the database file (and
aiosqlite's thread) per request where this checkout keeps a pool: that is part of what the
ratio measures there.

What one write (POST /items) does there:
- 0.2.0 (the last release when this was written): validates the body, inserts the item
  and commits, then hands `item.created` to the in-process broker (its SSE subscribers;
  none here);
- this checkout: validates the body, inserts the item and flushes it, builds the versioned
  `item.created` event (a new event id, its time, its tenant), commits, then hands it to the
  in-process broker. Only with `NATS_URL` (`--nats` adds that case) does the same
  transaction also insert an outbox row, and the relay publishes it to JetStream after the
  commit and marks it sent on the server's ack.

The load: --concurrency keep-alive connections, each sending the same POST and waiting for
its answer (a closed loop: the rate the server sustains). The apps take turns, round after
round (A B B A ...), so a busy machine slows both alike; each gets --duration seconds in
all. Prints writes/s, p50 and p99 write latency per app, the ratio of this checkout's rate
to the last release's (over the whole run, and the median of the rounds' ratios, which a
change of the machine's load between rounds moves less), and the load average. Exits
non-zero when the release cannot be found or rendered, or when a write fails.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "scripts"), str(ROOT / "tests")]

from benching import load, render_kind, render_release, scratch  # noqa: E402

from helpers import free_port  # noqa: E402
from services import create_database, postgres_server, stop  # noqa: E402

BODY = b'{"name": "bench", "description": "a write of the write-rate benchmark"}'
# The settings both releases have, as their Kubernetes ConfigMaps ship them; the engines off.
PRODUCTION = {
    "ENVIRONMENT": "production",
    "LOG_LEVEL": "INFO",
    "LOG_FORMAT": "json",
    "RATE_LIMIT": "",
    "TELEMETRY_ENABLED": "true",
    "AUTO_MIGRATE": "false",
    "SHUTDOWN_DRAIN_SECONDS": "0",
    "NATS_URL": "",
    "REDIS_URL": "",
}
READY_SECONDS = 60.0
ROW = "{:<28} {:>7} {:>6} {:>9} {:>8} {:>8}"


@dataclass
class App:
    """One served backend and what the load measured on it."""

    name: str
    port: int
    prefix: str
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0
    rounds: list[float] = field(default_factory=list)  # writes/s of each turn

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile_ms(self, pct: float) -> float:
        if not self.latencies:
            return math.nan
        ordered = sorted(self.latencies)
        return 1000 * ordered[min(len(ordered) - 1, math.ceil(pct / 100 * len(ordered)) - 1)]


class _Sink(ThreadingHTTPServer):
    """An OTLP/HTTP receiver that counts the exports and keeps nothing."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _DropExports)
        self.exports = 0
        self.lock = threading.Lock()


class _DropExports(BaseHTTPRequestHandler):
    server: _Sink

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with self.server.lock:
            self.server.exports += 1
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        del format, args  # one line per export would drown the report


@contextlib.contextmanager
def otlp_sink() -> Iterator[_Sink]:
    sink = _Sink()
    thread = threading.Thread(target=sink.serve_forever, daemon=True)
    thread.start()
    try:
        yield sink
    finally:
        sink.shutdown()
        sink.server_close()


def install(project: Path) -> Path:
    """`uv sync --locked` (what `make setup` runs first), offline when the cache allows;
    the project's Python."""
    for offline in (["--offline"], []):
        done = subprocess.run(["uv", "sync", "--locked", "--quiet", *offline], cwd=project,
                              capture_output=True, text=True, check=False)  # fmt: skip
        if done.returncode == 0:
            return project / ".venv" / "bin" / "python"
        if offline:
            print(f"  {project.name}: the uv cache lacks some packages, syncing online", flush=True)
    raise SystemExit(f"uv sync failed in {project}:\n{done.stdout}{done.stderr}")


def package_of(project: Path) -> str:
    """The import package of a rendered backend: the one folder of src/ with a __main__."""
    found = sorted(path.parent.name for path in (project / "src").glob("*/__main__.py"))
    if len(found) != 1:
        raise SystemExit(f"{project} has no single package under src/: {found}")
    return found[0]


def route_prefix(python: Path, package: str) -> str:
    code = f"from {package}.core.config import ROUTE_PREFIX; print(ROUTE_PREFIX)"
    return subprocess.run([python, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip()  # fmt: skip


@contextlib.contextmanager
def nats_server(binary: Path, workdir: Path) -> Iterator[str]:
    """A nats-server with JetStream on loopback (the one the backend's dev dependencies ship)."""
    if not binary.is_file():
        raise SystemExit(f"no nats-server at {binary}: the backend's dev dependencies ship it")
    port = free_port()
    command = [str(binary), "-a", "127.0.0.1", "-p", str(port), "-js", "-sd", str(workdir / "js")]
    with (workdir / "nats.log").open("w") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield f"nats://127.0.0.1:{port}"
    finally:
        stop(process, timeout=15)


def slug(name: str) -> str:
    return re.sub(r"\W+", "_", name).strip("_").lower()


@contextlib.contextmanager
def serve(name: str, project: Path, env: dict[str, str], workdir: Path) -> Iterator[App]:
    """Migrate, then serve, as production does; yields the app once /readyz answers 200.
    Each runs in a folder of its own (no `.env`), on its own SQLite file unless `env` names
    a DATABASE_URL."""
    python = install(project)
    package = package_of(project)
    home = workdir / f"served-{slug(name)}"
    home.mkdir()
    sqlite = f"sqlite+aiosqlite:///{home / 'bench.db'}"
    port = free_port()
    settings = {**os.environ, **PRODUCTION, "DATABASE_URL": sqlite, **env,
                "HOST": "127.0.0.1", "PORT": str(port)}  # fmt: skip
    log_path = home / "serve.log"
    migrated = subprocess.run([python, "-m", package, "migrate"], cwd=home, env=settings,
                              capture_output=True, text=True, check=False)  # fmt: skip
    if migrated.returncode != 0:
        raise SystemExit(f"{name}: migrate failed:\n{migrated.stdout}{migrated.stderr}")
    with log_path.open("w") as log:
        process = subprocess.Popen([python, "-m", package, "serve"], cwd=home, env=settings,
                                   stdin=subprocess.DEVNULL, stdout=log,
                                   stderr=subprocess.STDOUT)  # fmt: skip
    try:
        app = App(name, port, route_prefix(python, package))
        failure = asyncio.run(wait_ready(app, process))
        if failure is not None:
            raise SystemExit(f"{name} {failure}:\n{log_path.read_text()[-4000:]}")
        yield app
    finally:
        stop(process, timeout=15)


async def wait_ready(app: App, process: subprocess.Popen[bytes]) -> str | None:
    """None once /readyz answers 200; why not, if the app exits or stays unready."""
    request = f"GET {app.prefix}/readyz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return f"exited with {process.returncode}"
        with contextlib.suppress(OSError, asyncio.IncompleteReadError):
            reader, writer = await asyncio.open_connection("127.0.0.1", app.port)
            try:
                if await exchange(reader, writer, request) == 200:
                    return None
            finally:
                writer.close()
        await asyncio.sleep(0.2)
    return f"was not ready within {READY_SECONDS:.0f}s"


async def exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> int:
    """Send one request on a kept-alive connection, read the whole answer, return its status."""
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.lower() == b"content-length":
            length = int(value)
    await reader.readexactly(length)
    return int(head[9:12])


def write_request(app: App) -> bytes:
    head = (f"POST {app.prefix}/items HTTP/1.1\r\nHost: 127.0.0.1:{app.port}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(BODY)}\r\n\r\n")  # fmt: skip
    return head.encode() + BODY


async def closed_loop(app: App, seconds: float, concurrency: int) -> tuple[list[float], int]:
    """`concurrency` connections writing until time is up: the latencies of the writes that
    answered 201, and the count of those that did not."""
    request = write_request(app)
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds

    async def connection() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection("127.0.0.1", app.port)
        try:
            while time.perf_counter() < deadline:
                sent = time.perf_counter()
                status = await exchange(reader, writer, request)
                if status == 201:
                    latencies.append(time.perf_counter() - sent)
                else:
                    errors += 1
        finally:
            writer.close()

    results = await asyncio.gather(*(connection() for _ in range(concurrency)),
                                   return_exceptions=True)  # fmt: skip
    errors += sum(isinstance(result, Exception) for result in results)
    return latencies, errors


async def compare(apps: list[App], args: argparse.Namespace) -> None:
    """A short unmeasured warm-up on each, then the rounds: A B, B A, A B ..."""
    for app in apps:
        await closed_loop(app, 1.0, args.concurrency)
    share = args.duration / args.rounds
    for number in range(args.rounds):
        order = apps if number % 2 == 0 else apps[::-1]
        rates = []
        for app in order:
            started = time.perf_counter()
            latencies, errors = await closed_loop(app, share, args.concurrency)
            elapsed = time.perf_counter() - started
            app.seconds += elapsed
            app.latencies += latencies
            app.errors += errors
            app.rounds.append(len(latencies) / elapsed)
            rates.append(f"{app.name} {app.rounds[-1]:.1f}/s")
        print(f"  round {number + 1}/{args.rounds}: {', '.join(rates)} (load {load()})", flush=True)


def report(apps: list[App]) -> None:
    print("\n" + ROW.format("app", "writes", "errors", "writes/s", "p50 ms", "p99 ms"))
    for app in apps:
        p50, p99 = app.percentile_ms(50), app.percentile_ms(99)
        print(ROW.format(app.name, len(app.latencies), app.errors, f"{app.rate:.1f}",
                         f"{p50:.2f}", f"{p99:.2f}"))  # fmt: skip
    release, *current = apps
    for app in current:
        ratio = app.rate / release.rate if release.rate else math.nan
        # Each round's turns are next to each other in time: their ratio sees the same load.
        paired = [mine / theirs for mine, theirs in zip(app.rounds, release.rounds, strict=True)
                  if theirs]  # fmt: skip
        median = statistics.median(paired) if paired else math.nan
        print(f"ratio {app.name} / {release.name} writes/s: {ratio:.2f} "
              f"(median of the rounds' ratios {median:.2f})")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of writes per app")
    parser.add_argument("--rounds", type=int, default=10, help="turns of the apps")
    parser.add_argument("--concurrency", type=int, default=8, help="writers in flight")
    parser.add_argument("--nats", action="store_true",
                        help="also this checkout with NATS_URL (outbox, JetStream)")  # fmt: skip
    parser.add_argument("--postgres", action="store_true",
                        help="an empty PostgreSQL database each instead of SQLite")  # fmt: skip
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args(argv)
    if min(args.rounds, args.concurrency) < 1 or args.duration <= 0:
        parser.error("--duration, --rounds and --concurrency must be positive")
    print(f"load average before: {load()}", flush=True)
    with scratch(args.keep) as base, otlp_sink() as sink, contextlib.ExitStack() as stack:
        version, released = render_release(base, "backend", "release")
        current = render_kind(base, "backend", "current")
        print(f"rendered the backend at {version} and from this checkout; installing", flush=True)
        telemetry = {"OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{sink.server_address[1]}"}
        admin = stack.enter_context(postgres_server()) if args.postgres else None

        def start(name: str, project: Path, env: dict[str, str]) -> App:
            if admin is not None:
                env = {**env, "DATABASE_URL": create_database(admin, f"bench_{slug(name)}")}
            return stack.enter_context(serve(name, project, {**telemetry, **env}, base))

        apps = [start(version, released, {}), start("current", current, {})]
        if args.nats:
            binary = current / ".venv" / "bin" / "nats-server"
            url = stack.enter_context(nats_server(binary, base))
            apps.append(start("current, NATS_URL", current, {"NATS_URL": url}))
        database = "an empty PostgreSQL database" if admin else "a SQLite file"
        print(f"{args.concurrency} writers, {args.duration:.0f} s per app in {args.rounds} "
              f"rounds, {database} each", flush=True)  # fmt: skip
        asyncio.run(compare(apps, args))
        exports = sink.exports
    report(apps)
    print(f"the OTLP sink received {exports} trace exports")
    print(f"load average after: {load()}")
    failed = sum(app.errors for app in apps)
    if failed:
        print(f"{failed} writes failed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
