"""Render a demo workspace (meta-repo + one backend + one frontend) into ./demo and start it.

The templates are taken from this checkout as it is, uncommitted changes included: its files
are committed to a scratch repo beside the demo, so the meta-repo and the services it
scaffolds render from one real commit. The meta-repo's `make dev` then runs the platform
natively behind Traefik and prints its URL; Ctrl-C stops everything it started.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO_ANSWERS = {
    "template_kind": "meta",
    "project_name": "Polystack Demo",
    "project_slug": "demo",
    "organization": "polystack",
}
IDENTITY = ["-c", "user.name=Polystack Demo", "-c", "user.email=demo@polystack.invalid"]


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True)
    return done.stdout


def snapshot(dest: Path) -> Path:
    """Commit the checkout's files (tracked and new, not ignored) to a scratch repo."""
    if dest.exists():
        shutil.rmtree(dest)
    files = git(ROOT, "ls-files", "--cached", "--others", "--exclude-standard", "-z")
    for name in filter(None, files.split("\0")):
        source = ROOT / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    git(dest, "init", "-q", "-b", "main")
    git(dest, "add", "-A")
    git(dest, *IDENTITY, "commit", "-q", "--no-verify", "-m", "Polystack checkout for the demo")
    return dest


def template_dir(dest: Path) -> Path:
    """Where the checkout's snapshot for a demo at `dest` lives."""
    return dest.with_name(f".{dest.name}-template")


def clean(dest: Path) -> None:
    for path in (dest, template_dir(dest)):
        if path.exists():
            print(f"removing {path}")
            shutil.rmtree(path)


def render(template: Path, dest: Path) -> None:
    import copier  # only rendering needs the suite's environment, not `make clean`

    if dest.exists():
        shutil.rmtree(dest)
    print(f"==> rendering the demo workspace into {dest}", flush=True)
    copier.run_copy(str(template), dest, data=DEMO_ANSWERS, defaults=True, unsafe=True,
                    quiet=True, vcs_ref="HEAD")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dest", type=Path, default=ROOT / "demo")
    parser.add_argument("--render-only", action="store_true", help="render, do not start")
    parser.add_argument("--clean", action="store_true", help="remove the demo and its snapshot")
    args = parser.parse_args(argv)
    dest = args.dest.resolve()
    if args.clean:
        clean(dest)
        return 0
    template = snapshot(template_dir(dest))
    render(template, dest)
    if args.render_only:
        return 0
    print("==> starting the platform (Ctrl-C stops it)", flush=True)
    try:
        return subprocess.call(["make", "dev"], cwd=dest, env=os.environ)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
