#!/usr/bin/env python3
"""Benchmark: how long a warm `make dev` of the demo workspace (one backend, one frontend)
takes until it prints its links, against a floor measured in the same run: both services
started together by hand (uvicorn with reload, bare `next dev`) until the backend answers its
health check and the frontend its first page (compiled on that request).

Usage (from the suite root): uv run python scripts/bench_native_restart.py [--runs N]
The target is a warm restart under 15 s; the ratio says how much the orchestration (installs
checked, Traefik started after the services, every link checked) adds to the floor.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import demo

TARGET_SECONDS = 15.0
BANNER = b"The platform is up after"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=60) as reply:
            return bool(reply.status == 200)
    except OSError:
        return False


def stop(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def time_make_dev(root: Path, log: Path) -> float:
    """Seconds from `make dev` to its links, all answering."""
    env = {**os.environ, "NEXT_TELEMETRY_DISABLED": "1"}
    for key in ("EDGE_PORT", "DASHBOARD_PORT", "TRAEFIK_METRICS_PORT", "PROMETHEUS_PORT"):
        env[key] = str(free_port())
    env.pop("VIRTUAL_ENV", None)
    started = time.monotonic()
    with log.open("wb") as out:
        process = subprocess.Popen(["make", "dev"], cwd=root, env=env, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
    try:
        while BANNER not in log.read_bytes():
            if process.poll() is not None:
                raise SystemExit(f"make dev exited {process.returncode}: see {log}")
            time.sleep(0.1)
        return time.monotonic() - started
    finally:
        stop(process)


def floor(root: Path) -> float:
    """Seconds from starting both services by hand, together, until both answer."""
    api, web = free_port(), free_port()
    env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(api), "METRICS_PORT": str(free_port()),
           "BACKEND_URL": f"http://127.0.0.1:{api}", "NEXT_TELEMETRY_DISABLED": "1"}  # fmt: skip
    env.pop("VIRTUAL_ENV", None)
    commands = {
        "api": ["uv", "run", "--frozen", "python", "-m", "api", "serve", "--reload"],
        "web": ["pnpm", "exec", "next", "dev", "--hostname", "127.0.0.1", "--port", str(web)],
    }
    urls = [f"http://127.0.0.1:{api}/api/healthz", f"http://127.0.0.1:{web}/"]
    started = time.monotonic()
    processes = [subprocess.Popen(command, cwd=root / "services" / name, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  start_new_session=True)
                 for name, command in commands.items()]  # fmt: skip

    def until_up(url: str) -> None:
        while not answers(url):
            if any(process.poll() is not None for process in processes):
                raise SystemExit("a service started by hand exited")
            time.sleep(0.1)

    try:
        with ThreadPoolExecutor(max_workers=len(urls)) as pool:
            list(pool.map(until_up, urls))  # both asked at once, as `make dev` asks them
        return time.monotonic() - started
    finally:
        for process in processes:
            stop(process)


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="warm restarts to time")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="polystack-bench-") as scratch:
        root = Path(scratch) / "demo"
        demo.render(demo.snapshot(demo.template_dir(root)), root)
        print(f"first run (installs everything): {time_make_dev(root, root / 'cold.log'):.1f} s")
        before = load()
        warm = [time_make_dev(root, root / f"warm-{i}.log") for i in range(args.runs)]
        base = min(floor(root) for _ in range(args.runs))
        best = min(warm)
        print(f"warm restarts: {', '.join(f'{t:.1f}' for t in warm)} s (best {best:.1f} s, "
              f"target under {TARGET_SECONDS:.0f} s)")  # fmt: skip
        print(f"floor (both services by hand until they answer, best of {args.runs}): "
              f"{base:.1f} s")  # fmt: skip
        print(f"ratio warm restart / floor: {best / base:.2f}")
        print(f"load average before / after (both figures depend on it): {before} / {load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
