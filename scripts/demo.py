"""Render a demo workspace (meta-repo + one backend + one frontend) into ./demo and start it.

The meta-repo's `make dev` runs the platform natively behind Traefik and prints its URL;
Ctrl-C stops everything it started.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

import copier

ROOT = Path(__file__).resolve().parents[1]
DEMO_ANSWERS = {
    "template_kind": "meta",
    "project_name": "Polystack Demo",
    "project_slug": "demo",
    "organization": "polystack",
}


def render(dest: Path) -> None:
    if dest.exists():
        shutil.rmtree(dest)
    print(f"==> rendering the demo workspace into {dest}", flush=True)
    copier.run_copy(str(ROOT), dest, data=DEMO_ANSWERS, defaults=True, unsafe=True, quiet=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dest", type=Path, default=ROOT / "demo")
    parser.add_argument("--render-only", action="store_true", help="render, do not start")
    args = parser.parse_args(argv)
    dest = args.dest.resolve()
    render(dest)
    if args.render_only:
        return 0
    print("==> starting the platform (Ctrl-C stops it)", flush=True)
    try:
        return subprocess.call(["make", "dev"], cwd=dest, env=os.environ)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
