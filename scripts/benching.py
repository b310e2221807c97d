"""What the benchmark scripts share: the machine's load, a scratch folder, a rendered repo."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from demo import snapshot


def load() -> str:
    """The load averages: every wall-clock figure depends on them."""
    return " ".join(f"{n:.2f}" for n in os.getloadavg())


@contextmanager
def scratch(keep: Path | None) -> Iterator[Path]:
    """A folder to work in, removed afterwards unless the user asked to keep it."""
    base = keep or Path(tempfile.mkdtemp(prefix="polystack-bench."))
    base.mkdir(parents=True, exist_ok=True)
    try:
        yield base
    finally:
        if keep is None:
            shutil.rmtree(base, ignore_errors=True)


def render_kind(base: Path, kind: str, name: str) -> Path:
    """One repo of `kind` with the defaults, rendered from this checkout as it is."""
    template = snapshot(base / "template")
    project = base / name
    subprocess.run([sys.executable, "-m", "copier", "copy", "--trust", "--defaults", "--quiet",
                    "--vcs-ref", "HEAD", "-d", f"template_kind={kind}", str(template),
                    str(project)], check=True)  # fmt: skip
    return project
