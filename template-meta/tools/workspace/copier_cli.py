"""Copier, run as a subprocess of the same Python: copy, update and check-update."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from workspace.manifest import TemplateSource

TRACEBACK = "Traceback (most recent call last):"
CHAINED = ("During handling of the above exception", "The above exception was the direct cause")
EXCEPTION_NAME = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception): ")


def without_tracebacks(output: str) -> list[str]:
    """What Copier printed, with each Python traceback reduced to its exception's message:
    the message names the problem and the fix, the frames only hide it."""
    kept: list[str] = []
    in_traceback = False
    for line in output.splitlines():
        if line.startswith(TRACEBACK):
            in_traceback = True
            continue
        if in_traceback:
            if not line.strip() or line[0].isspace():
                continue  # a frame: file, line, source, carets
            in_traceback = False
            line = EXCEPTION_NAME.sub("", line, count=1)
        if not line.startswith(CHAINED):
            kept.append(line)
    return kept


@dataclass(frozen=True)
class Result:
    returncode: int
    output: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def text(self) -> str:
        """The whole output, without tracebacks."""
        return "\n".join(without_tracebacks(self.output)).strip()

    def tail(self, lines: int = 15) -> str:
        """The last lines of the output, without tracebacks."""
        return "\n".join(self.text().splitlines()[-lines:])


def copier(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> Result:
    """Copier with extra environment: where git finds the template, where temp files go."""
    proc = subprocess.run(
        [sys.executable, "-m", "copier", *args], cwd=cwd, text=True, check=False,
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        env={**os.environ, **(env or {})},
    )  # fmt: skip
    return Result(proc.returncode, proc.stdout)


def copy_service(
    source: TemplateSource,
    dest: Path,
    data_file: Path,
    kind: str,
    name: str,
    env: dict[str, str] | None = None,
) -> Result:
    """Render one service repo from the template the meta-repo came from, at its version."""
    return copier(
        "copy", "--trust", "--defaults", "--quiet", "--vcs-ref", source.ref,
        "--data-file", str(data_file), "--data", f"template_kind={kind}",
        "--data", f"service_name={name}", source.url, str(dest), env=env,
    )  # fmt: skip


def update(
    repo: Path, data_file: Path, vcs_ref: str | None = None, env: dict[str, str] | None = None
) -> Result:
    """`copier update` with the shared answers; `vcs_ref=":current:"` keeps the version."""
    pinned = ["--vcs-ref", vcs_ref] if vcs_ref else []
    return copier(
        "update", "--trust", "--defaults", "--quiet", "--conflict", "inline",
        "--data-file", str(data_file), *pinned, str(repo), env=env,
    )  # fmt: skip


def render_release(
    source: str, ref: str, data_file: Path, dest: Path, env: dict[str, str] | None = None
) -> Result:
    """One release rendered with a repo's recorded answers, as Copier's update starts from."""
    return copier(
        "copy", "--trust", "--defaults", "--quiet", "--skip-tasks", "--vcs-ref", ref,
        "--data-file", str(data_file), source, str(dest), env=env,
    )  # fmt: skip


@dataclass(frozen=True)
class Versions:
    update_available: bool
    current: str
    latest: str


def check_update(repo: Path) -> Versions | Result:
    """The recorded and the latest template version, or the failed run."""
    result = copier("check-update", "--output-format", "json", str(repo))
    if not result.ok:
        return result
    for line in reversed(result.output.splitlines()):
        if line.startswith("{"):
            data = json.loads(line)
            return Versions(
                bool(data["update_available"]),
                str(data["current_version"]),
                str(data["latest_version"]),
            )
    return Result(1, result.output)
