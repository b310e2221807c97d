#!/usr/bin/env python3
"""How long a generated frontend's production build takes against a minimal Next.js app.

    uv run python scripts/bench_frontend_build.py [--runs 3] [--keep DIR]

Renders a frontend from this checkout as it is (committed to a scratch repo first), installs
it (`make setup`, from the local pnpm store when it can) and runs its own `make bench` on the
Node.js its `.nvmrc` names: the build as `make check` and CI run it and `bench/floor` (the
smallest App Router app, on the same Next.js from the lockfile), interleaved, from an empty
`.next` each time. The bench prints the ratio; target <= 1.4x.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "scripts"), str(ROOT / "tests")]

from benching import load, render_kind, scratch  # noqa: E402

from node_runtimes import repo_node_env  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args(argv)
    print(f"load average before: {load()}", flush=True)
    with scratch(args.keep) as base:
        project = render_kind(base, "frontend", "web")
        env = {**os.environ, **repo_node_env(project), "npm_config_prefer_offline": "true"}
        subprocess.run(["make", "setup"], cwd=project, env=env, check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
        subprocess.run(["node", "bench/run.mjs", f"--runs={args.runs}"], cwd=project, env=env,
                       check=True, stderr=subprocess.DEVNULL)  # fmt: skip
    print(f"load average after: {load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
