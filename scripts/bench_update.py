"""Benchmark `make update` on a workspace of a meta-repo and two services (api, web).

Prints, with each figure's target and its ratio to a floor measured in the same run (the
workspace tool's `status`: Python starting, the manifest read, git asked about each repo):

- `update-check` in total (target <= 2 s): the versions read once, nothing rendered;
- a real update from the first of three template releases to the last, per repo
  (target <= 2 s per repo on a quiet machine), the best of three, each on a fresh copy of
  the workspace;
- `make update` with nothing to do, per repo (target <= 1 s): Copier never runs.

Usage: uv run python scripts/bench_update.py [--keep DIR]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "update")]

from workspaces import build_suite, build_workspace  # noqa: E402

REPOS = 3
BRANCH = "polystack/update-3.0.0"


def timed(root: Path, *args: str) -> float:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "tools/workspace", *args], cwd=root, text=True,
                          capture_output=True, check=False)  # fmt: skip
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"workspace {' '.join(args)} failed:\n{proc.stdout}{proc.stderr}")
    return elapsed


def fresh_copy(root: Path, dest: Path) -> Path:
    """The workspace at `root` (the meta-repo, its services inside) copied as rendered."""
    shutil.copytree(root, dest, symlinks=True)
    return dest


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="build the workspace here and keep it")
    args = parser.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="polystack-bench."))
    try:
        print("building three template releases and a workspace at the first...", flush=True)
        suite = build_suite(base / "polystack")
        root = build_workspace(suite, base / "platform")
        repos = [root, root / "services" / "api", root / "services" / "web"]
        floor = min(timed(root, "status") for _ in range(3))
        check = min(timed(root, "update", "--check") for _ in range(3))
        copies = [fresh_copy(root, base / f"copy-{n}") for n in range(2)]
        real = min(timed(workspace, "update") for workspace in [*copies, root])
        for repo in repos:
            subprocess.run(["git", "merge", "--quiet", "--ff-only", BRANCH], cwd=repo, check=True)
        noop = min(timed(root, "update") for _ in range(3))
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)
    rows = [
        ("floor: workspace status", floor, None),
        ("update-check, total", check, 2.0),
        ("real update, per repo", real / REPOS, 2.0),
        ("update with nothing to do, per repo", noop / REPOS, 1.0),
    ]
    print(f"\n{'measure':<38} {'seconds':>8} {'target':>7} {'x floor':>8}")
    for name, seconds, target in rows:
        goal = f"{target:.1f}" if target else "-"
        print(f"{name:<38} {seconds:>8.2f} {goal:>7} {seconds / floor:>8.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
