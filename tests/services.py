"""Throwaway servers for the tests, on loopback in temp folders."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from helpers import free_port, run


def _pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise AssertionError("PostgreSQL is not installed: run `make setup`")
    return found[-1]


def _as_postgres(cmd: list[str]) -> list[str]:
    """initdb refuses to run as root: drop to the postgres user when we are root."""
    if os.geteuid() != 0:
        return cmd
    return ["runuser", "-u", "postgres", "--", *cmd]


@contextmanager
def postgres_server() -> Iterator[str]:
    """A PostgreSQL server on 127.0.0.1; yields its admin URL without a database name.

    Its folder lives outside pytest's root-only temp dir so the postgres user can reach it.
    """
    workdir = Path(tempfile.mkdtemp(prefix="polystack-pg-"))
    workdir.chmod(0o755)
    data = workdir / "pgdata"
    data.mkdir(parents=True)
    if os.geteuid() == 0:
        pw = pwd.getpwnam("postgres")
        shutil.chown(workdir, pw.pw_uid, pw.pw_gid)
        shutil.chown(data, pw.pw_uid, pw.pw_gid)
    port = free_port()
    run(_as_postgres([_pg_bin("initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
                      "--no-sync", "-E", "UTF8"]))  # fmt: skip
    log = workdir / "postgres.log"
    run(_as_postgres([
        _pg_bin("pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-o",
        f"-h 127.0.0.1 -p {port} -k {workdir} -c fsync=off -c full_page_writes=off",
        "start",
    ]))  # fmt: skip
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run(
            _as_postgres([_pg_bin("pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            capture_output=True, check=False,
        )  # fmt: skip
        shutil.rmtree(workdir, ignore_errors=True)


def create_database(admin_url: str, name: str) -> str:
    """Create a database and return its URL."""
    host_port = admin_url.rsplit("@", 1)[1]
    host, port = host_port.split(":")
    psql = shutil.which("psql") or _pg_bin("psql")
    for _ in range(50):
        proc = subprocess.run(
            [psql, "-h", host, "-p", port, "-U", "postgres", "-d", "postgres", "-c",
             f'CREATE DATABASE "{name}"'],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if proc.returncode == 0:
            return f"{admin_url}/{name}"
        time.sleep(0.1)
    raise AssertionError(f"could not create database {name}: {proc.stderr}")


def _program(name: str, package: str) -> str:
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin")
    if found is None:
        raise AssertionError(f"{name} is not installed: run `make setup` (Debian: {package})")
    return found


def _wait_for_port(process: subprocess.Popen[bytes], port: int, log: Path, what: str) -> None:
    deadline = time.monotonic() + 30
    while True:
        if process.poll() is not None:
            raise AssertionError(f"{what} exited {process.returncode}:\n{log.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{what} did not listen on {port}:\n{log.read_text()}"
                ) from None
            time.sleep(0.05)


@contextmanager
def _server(what: str, command: list[str], port: int, workdir: Path) -> Iterator[None]:
    log = workdir / f"{what}.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, cwd=workdir)  # fmt: skip
    try:
        _wait_for_port(process, port, log, what)
        yield
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes], timeout: float = 10) -> None:
    """SIGTERM, then SIGKILL if the process outlives `timeout` seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def nats_server() -> Iterator[str]:
    """Debian's nats-server with JetStream on 127.0.0.1, its store in a temp folder; yields
    its URL."""
    program = _program("nats-server", "nats-server")
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="polystack-nats-") as folder:
        workdir = Path(folder)
        command = [program, "--jetstream", "--store_dir", str(workdir / "jetstream"),
                   "--addr", "127.0.0.1", "--port", str(port)]  # fmt: skip
        with _server("nats-server", command, port, workdir):
            yield f"nats://127.0.0.1:{port}"


@contextmanager
def redis_server() -> Iterator[str]:
    """Debian's redis-server on 127.0.0.1, without persistence, in a temp folder; yields the
    URL of its database 0."""
    program = _program("redis-server", "redis-server")
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="polystack-redis-") as folder:
        workdir = Path(folder)
        command = [program, "--bind", "127.0.0.1", "--port", str(port), "--dir", str(workdir),
                   "--save", "", "--appendonly", "no"]  # fmt: skip
        with _server("redis-server", command, port, workdir):
            yield f"redis://127.0.0.1:{port}/0"
