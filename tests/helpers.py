"""Shared helpers of the suite's tests: versioned template clones, renders, subprocesses."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import copier
import yaml

ROOT = Path(__file__).resolve().parents[1]
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Polystack Tests",
    "GIT_AUTHOR_EMAIL": "tests@polystack.invalid",
    "GIT_COMMITTER_NAME": "Polystack Tests",
    "GIT_COMMITTER_EMAIL": "tests@polystack.invalid",
}
# What `make test` and `uv run` set for the suite itself, which a generated repo's own make and
# uv must not inherit (a sub-make would print "Entering directory", uv would warn).
OUTER_ONLY = frozenset({"MAKEFLAGS", "MAKELEVEL", "MFLAGS", "MAKEOVERRIDES", "VIRTUAL_ENV"})
IGNORED = shutil.ignore_patterns(
    ".git", ".venv", "demo", ".demo-template", "site", "node_modules", ".pytest_cache",
    ".mypy_cache", ".ruff_cache", "__pycache__", ".hypothesis", ".coverage*", "htmlcov",
)  # fmt: skip


def run(
    cmd: Sequence[str | os.PathLike[str]],
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 900,
    check: bool = True,
) -> subprocess.CompletedProcess[str]:
    """Run a command, failing with its whole output when it fails.

    Past `timeout` seconds the command and everything it started (a generated repo's test
    servers too) are stopped, and the failure shows the output so far: where it was slow.
    """
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    inherited = {k: v for k, v in os.environ.items() if k not in OUTER_ONLY}
    full_env = {**inherited, "PATH": path, **GIT_ENV, **(env or {})}
    args = [str(part) for part in cmd]
    with subprocess.Popen(
        args, cwd=cwd, env=full_env, text=True, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
    ) as running:  # fmt: skip
        try:
            output, _ = running.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            stop_group(running, signal.SIGTERM, timeout=10)
            output, _ = running.communicate()
            raise AssertionError(
                f"{' '.join(args)} did not finish within {timeout:g} s in {cwd}; "
                f"its output so far:\n{output}"
            ) from None
    proc = subprocess.CompletedProcess(args, running.returncode, output)
    if check and proc.returncode != 0:
        raise AssertionError(
            f"{' '.join(map(str, cmd))} exited {proc.returncode} in {cwd}:\n{proc.stdout}"
        )
    return proc


def git(repo: Path, *args: str) -> str:
    return run(["git", *args], cwd=repo).stdout.strip()


def snapshot_template(dest: Path, tag: str = "1.0.0", source: Path = ROOT) -> Path:
    """A git repo holding the working tree of `source` (uncommitted changes included), tagged."""
    shutil.copytree(source, dest, ignore=IGNORED)
    run(["git", "init", "-q", "-b", "main"], cwd=dest)
    commit_all(dest, f"template {tag}")
    git(dest, "tag", tag)
    return dest


def commit_all(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    run(["git", "commit", "-q", "--allow-empty", "--no-verify", "-m", message], cwd=repo)


def render(
    template: Path,
    dest: Path,
    data: Mapping[str, Any] | None = None,
    vcs_ref: str | None = None,
    skip_tasks: bool = False,
) -> Path:
    """`copier copy --trust --defaults` of one kind, as a user would run it.

    `skip_tasks` leaves out the copy tasks (git init, scaffolding the meta-repo's services)
    where a test looks at the rendered files alone.
    """
    copier.run_copy(
        str(template), dest, data=dict(data or {}), defaults=True, unsafe=True,
        vcs_ref=vcs_ref, quiet=True, skip_tasks=skip_tasks,
    )  # fmt: skip
    return dest


def answers(project: Path) -> dict[str, Any]:
    loaded = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert isinstance(loaded, dict)
    return loaded


def free_port() -> int:
    """An unused loopback port: tests never bind fixed ports."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def tool(name: str) -> str:
    """Absolute path of a tool installed in the suite's environment or on PATH."""
    venv_bin = str(Path(sys.executable).parent)
    found = shutil.which(name, path=venv_bin) or shutil.which(name)
    if found is None:
        raise AssertionError(f"{name} is not installed: run `make setup` first")
    return found


def stop_group(process: subprocess.Popen[Any], sig: int, timeout: float = 30) -> None:
    """Stop a process started with `start_new_session=True` and everything it started."""
    os.killpg(process.pid, sig)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


# Debian's Chromium, headless, with nothing reaching out: this machine has no internet.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]  # fmt: skip


def edge_rule(route: str) -> str:
    """Traefik's rule for a route, written out independently of the extension: bounded at a
    path segment (`/api` and `/api/...`, never `/apix`)."""
    return "PathPrefix(`/`)" if route == "/" else f"Path(`{route}`) || PathPrefix(`{route}/`)"
