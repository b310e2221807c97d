#!/usr/bin/env python3
"""How long a workspace takes to render: a meta-repo with 26 backends and a frontend.

    uv run python scripts/bench_scaffold.py [--backends 26] [--keep DIR]

Renders the templates of this checkout as they are (committed to a scratch repo first) and
prints, with its target:

- the whole `copier copy` of the meta-repo, services scaffolded and committed
  (target <= 15 s on a quiet 2-core machine);
- one more backend in the workspace, against the floor measured in the same run: a
  separate `copier copy` of that backend (target <= 0.25x). The extra backend's cost is
  the difference between the meta-repo's scaffolding of every backend and of one, per
  backend, so the scaffolding's fixed costs (Python, Copier, the checkout) cancel out.

The load average is printed before and after: the figures mean something on a quiet machine.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from benching import load  # noqa: E402
from demo import snapshot  # noqa: E402

TOTAL_TARGET = 15.0
RATIO_TARGET = 0.25
ROW = "{:<56} {:>9} {:>9} {:>8}"


def timed(args: Sequence[str | Path], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, check=False)  # fmt: skip
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, args))} failed:\n{done.stdout}{done.stderr}")
    return elapsed


def copier_copy(template: Path, dest: Path, *args: str) -> float:
    command = [sys.executable, "-m", "copier", "copy", "--trust", "--defaults", "--quiet"]
    return timed([*command, *args, str(template), str(dest)], dest.parent)


def scaffold(meta: Path, removed: list[str]) -> float:
    """The meta-repo's scaffolding of the given services, removed first."""
    for name in removed:
        shutil.rmtree(meta / "services" / name)
    return timed([sys.executable, "tools/workspace", "scaffold"], meta)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", type=int, default=26)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args(argv)
    base = args.keep or Path(tempfile.mkdtemp(prefix="polystack-bench."))
    base.mkdir(parents=True, exist_ok=True)
    print(f"load average before: {load()}", flush=True)
    try:
        template = snapshot(base / "template")
        backends = [f"api-{i}" for i in range(args.backends)]
        services = [{"name": "web", "kind": "frontend", "route": "/"}]
        services += [{"name": name, "kind": "backend"} for name in backends]
        answers = base / "answers.yml"
        answers.write_text(yaml.safe_dump({"services": services}))
        meta = base / "platform"
        print(f"rendering a meta-repo with {args.backends} backends and a frontend", flush=True)
        total = copier_copy(template, meta, "--vcs-ref", "HEAD", "-d", "template_kind=meta",
                            "--data-file", str(answers))  # fmt: skip
        ref = str(yaml.safe_load((meta / ".copier-answers.yml").read_text())["_commit"])
        floor = copier_copy(template, base / "separate", "--vcs-ref", ref, "--data-file",
                            str(meta / "polystack.yml"), "-d", "template_kind=backend",
                            "-d", f"service_name={backends[-1]}")  # fmt: skip
        every = scaffold(meta, backends)
        one = scaffold(meta, backends[-1:])
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)
    extra = (every - one) / (len(backends) - 1)
    print()
    print(ROW.format("", "seconds", "x floor", "target"))
    print(ROW.format("floor: a separate `copier copy` of one backend", f"{floor:.2f}", "1.00", ""))
    print(ROW.format(f"scaffolding {len(backends)} backends into the meta-repo", f"{every:.2f}",
                     f"{every / floor:.2f}", ""))  # fmt: skip
    print(ROW.format("scaffolding one backend into the meta-repo", f"{one:.2f}",
                     f"{one / floor:.2f}", ""))  # fmt: skip
    ratio = extra / floor
    print(ROW.format("one more backend in the workspace", f"{extra:.2f}", f"{ratio:.2f}",
                     f"<= {RATIO_TARGET}"))  # fmt: skip
    label = f"meta-repo, {len(backends)} backends and a frontend (total)"
    print(ROW.format(label, f"{total:.2f}", f"{total / floor:.2f}", f"<= {TOTAL_TARGET:.0f} s"))
    print()
    print(f"one more backend: {'met' if ratio <= RATIO_TARGET else 'MISSED'}; total: "
          f"{'met' if total <= TOTAL_TARGET else 'MISSED'} (on a quiet machine)")  # fmt: skip
    print(f"load average after: {load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
