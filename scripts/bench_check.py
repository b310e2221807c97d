#!/usr/bin/env python3
"""How long a generated backend's `make check` takes warm: what a developer waits for.

    uv run python scripts/bench_check.py [--runs 3] [--keep DIR]

Renders a backend from this checkout as it is (committed to a scratch repo first), runs
`make setup` and one `make check` to fill the caches (uv, mypy, ruff, pytest, Hypothesis),
then times each target of `make check` over several runs and prints the medians, with the
CPU seconds they used (on a busy machine the wall time grows, the CPU time much less).
Target: the whole `make check`, warm, <= 20 s on a quiet 2-core machine.
"""

from __future__ import annotations

import argparse
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from benching import load, render_kind, scratch  # noqa: E402

TARGET = 20.0
ROW = "{:<16} {:>9} {:>9}"


def check_targets(project: Path) -> list[str]:
    """The prerequisites of `check` in the generated Makefile, in order."""
    match = re.search(r"^check: ([^#\n]+)", (project / "Makefile").read_text(), flags=re.M)
    if not match:
        raise SystemExit("the generated Makefile has no check target")
    return match.group(1).split()


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def make(project: Path, target: str) -> tuple[float, float]:
    """Wall and CPU seconds of `make <target>`; the output is shown only when it fails."""
    cpu = children_cpu()
    start = time.perf_counter()
    done = subprocess.run(["make", target], cwd=project, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, check=False)  # fmt: skip
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"make {target} failed:\n{done.stdout}{done.stderr}")
    return wall, children_cpu() - cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args(argv)
    print(f"load average before: {load()}", flush=True)
    with scratch(args.keep) as base:
        project = render_kind(base, "backend", "api")
        targets = check_targets(project)
        print("make setup, then one make check to fill the caches", flush=True)
        make(project, "setup")
        make(project, "check")
        walls: dict[str, list[float]] = {target: [] for target in targets}
        cpus: dict[str, list[float]] = {target: [] for target in targets}
        totals: list[float] = []
        for run in range(args.runs):
            print(f"run {run + 1} of {args.runs}", flush=True)
            for target in targets:
                wall, cpu = make(project, target)
                walls[target].append(wall)
                cpus[target].append(cpu)
            totals.append(sum(walls[target][-1] for target in targets))
    print()
    print(ROW.format("make <target>", "seconds", "CPU s"))
    for target in targets:
        wall, cpu = statistics.median(walls[target]), statistics.median(cpus[target])
        print(ROW.format(target, f"{wall:.2f}", f"{cpu:.2f}"))
    total = statistics.median(totals)
    cpu_total = sum(statistics.median(cpus[target]) for target in targets)
    print(ROW.format("check (total)", f"{total:.2f}", f"{cpu_total:.2f}"))
    print()
    print(f"make check, warm: {total:.1f} s (median of {args.runs}; target <= {TARGET:.0f} s, "
          f"{'met' if total <= TARGET else 'MISSED'} on this run)")  # fmt: skip
    print(f"load average after: {load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
