#!/usr/bin/env python3
"""Benchmark: how long a warm `make dev` of the demo workspace (one backend, one frontend)
takes until it prints its links, against a floor measured in the same run: the slower of
the two services started alone, by hand, until it answers its health check.

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


def time_alone(cwd: Path, command: list[str], health: str, env: dict[str, str]) -> float:
    """Seconds from starting one service by hand to its health check answering."""
    started = time.monotonic()
    process = subprocess.Popen(command, cwd=cwd, env={**os.environ, **env},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)  # fmt: skip
    try:
        while not answers(health):
            if process.poll() is not None:
                raise SystemExit(f"{' '.join(command)} exited {process.returncode}")
            time.sleep(0.1)
        return time.monotonic() - started
    finally:
        stop(process)


def floor(root: Path) -> float:
    api, web = free_port(), free_port()
    backend = time_alone(root / "services/api", ["uv", "run", "--frozen", "python", "-m", "api",
                         "serve", "--reload"], f"http://127.0.0.1:{api}/api/healthz",
                         {"HOST": "127.0.0.1", "PORT": str(api)})  # fmt: skip
    frontend = time_alone(root / "services/web", ["pnpm", "exec", "next", "dev", "--hostname",
                          "127.0.0.1", "--port", str(web)], f"http://127.0.0.1:{web}/",
                          {"BACKEND_URL": f"http://127.0.0.1:{api}"})  # fmt: skip
    return max(backend, frontend)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="warm restarts to time")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="polystack-bench-") as scratch:
        root = Path(scratch) / "demo"
        demo.render(demo.snapshot(demo.template_dir(root)), root)
        print(f"first run (installs everything): {time_make_dev(root, root / 'cold.log'):.1f} s")
        warm = [time_make_dev(root, root / f"warm-{i}.log") for i in range(args.runs)]
        best = min(warm)
        base = floor(root)
        print(f"warm restarts: {', '.join(f'{t:.1f}' for t in warm)} s (best {best:.1f} s, "
              f"target under {TARGET_SECONDS:.0f} s)")  # fmt: skip
        print(f"floor (slowest service alone until it answers): {base:.1f} s")
        print(f"ratio warm restart / floor: {best / base:.2f}")
        load = Path("/proc/loadavg").read_text().split()[:3]
        print(f"load average (both figures depend on it): {' '.join(load)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
