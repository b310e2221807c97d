#!/usr/bin/env python3
"""How long `make import` takes: a folder with 1,000 commits, and a map of 26 services.

    uv run python scripts/bench-import.py [--commits 1000] [--services 26]

Renders a meta-repo (one backend) from this checkout as it is, builds the monorepos in a
scratch folder, and times each import in a fresh copy of the meta-repo. Beside each figure
it prints the ratio to a floor measured in the same run: `make add-service` of one backend,
which renders a service and re-renders the meta-repo as every import does too, so the ratio
tells what the history and the adoption add. The targets (10 s and 60 s on the suite's
2-core machine) are printed as met or missed; the ratios are the figures that travel.
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
sys.path[:0] = [str(ROOT / "scripts"), str(ROOT / "tests"), str(ROOT / "tests" / "update")]

import copier  # noqa: E402
from demo import snapshot  # noqa: E402

from monorepo import SEED_SERVICES, platform, service_folder  # noqa: E402

TARGETS = {"history": 10.0, "map": 60.0}
BIG = "apps/big"
ROW = "{:<44} {:>9} {:>9} {:>8}"


def sh(cwd: Path, *args: str, stdin: bytes | None = None) -> str:
    done = subprocess.run(args, cwd=cwd, input=stdin, capture_output=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed in {cwd}:\n{done.stdout.decode()}"
                         f"{done.stderr.decode()}")  # fmt: skip
    return done.stdout.decode()


def long_history(dest: Path, commits: int) -> Path:
    """`commits` commits in BIG, as many elsewhere, a day apart, written by git fast-import."""
    sh(dest.parent, "git", "init", "-q", "-b", "main", str(dest))
    stream, start = [], 1_600_000_000
    for i in range(2 * commits):
        folder = BIG if i % 2 == 0 else f"apps/other-{i % 7}"
        body = "".join(f"line {n} of change {i}\n" for n in range(30)).encode()
        message = f"change {i}\n".encode()
        who = f"Dev {i % 9} <dev{i % 9}@acme.test> {start + i * 86_400} +0100"
        stream.append(f"commit refs/heads/main\nmark :{i + 1}\nauthor {who}\ncommitter {who}\n"
                      f"data {len(message)}\n".encode() + message)  # fmt: skip
        if i:
            stream.append(f"from :{i}\n".encode())
        stream.append(f"M 100644 inline {folder}/module_{i % 50}.py\ndata {len(body)}\n".encode())
        stream.append(body + b"\n")
    sh(dest, "git", "fast-import", "--quiet", stdin=b"".join(stream))
    sh(dest, "git", "checkout", "-q", "main")
    return dest


def fresh_copy(meta: Path, scratch: Path, name: str) -> Path:
    return Path(shutil.copytree(meta, scratch / name / "platform", symlinks=True))


def timed(cwd: Path, *args: str) -> tuple[float, str]:
    began = time.perf_counter()
    done = subprocess.run(["make", "--no-print-directory", *args], cwd=cwd, capture_output=True,
                          text=True, check=False)  # fmt: skip
    seconds = time.perf_counter() - began
    if done.returncode != 0:
        raise SystemExit(f"make {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return seconds, done.stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=1000)
    parser.add_argument("--services", type=int, default=len(SEED_SERVICES))
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="polystack-bench-") as tmp:
        scratch = Path(tmp)
        template = snapshot(scratch / "template")
        meta = scratch / "meta"
        print("==> rendering a meta-repo with one backend", flush=True)
        answers = {"template_kind": "meta", "services": [{"name": "api", "kind": "backend"}]}
        copier.run_copy(str(template), meta, data=answers, defaults=True, unsafe=True,
                        quiet=True, vcs_ref="HEAD")  # fmt: skip
        sh(meta, "make", "setup")
        print(f"==> building a monorepo with {args.commits} commits", flush=True)
        big = long_history(scratch / "big", args.commits)
        services = SEED_SERVICES[: args.services]
        print(f"==> building a monorepo with {len(services)} services", flush=True)
        many = platform(scratch / "many", services).root
        mapping = scratch / "services.yml"
        mapping.write_text("".join(
            f"- {{name: {name}, kind: backend, dir: {service_folder(plane, name)}}}\n"
            for plane, name, _ in services
        ))  # fmt: skip

        floor, _ = timed(fresh_copy(meta, scratch, "floor"), "add-service", "NAME=probe",
                         "KIND=backend")  # fmt: skip
        history, out = timed(fresh_copy(meta, scratch, "history"), "import", f"SOURCE={big}",
                             f"DIR={BIG}", "NAME=big", "KIND=backend")  # fmt: skip
        kept = next(line for line in out.splitlines() if "commits kept:" in line).strip()
        mapped, _ = timed(fresh_copy(meta, scratch, "map"), "import", f"SOURCE={many}",
                          f"MAP={mapping}")  # fmt: skip

    print()
    print(ROW.format("", "seconds", "x floor", "target"))
    print(ROW.format("floor: make add-service (one backend)", f"{floor:.1f}", "1.0", ""))
    rows = (
        (f"import a folder of {args.commits} commits", history, "history"),
        (f"import a map of {len(services)} services", mapped, "map"),
    )
    for label, seconds, target in rows:
        verdict = "met" if seconds <= TARGETS[target] else "MISSED"
        print(ROW.format(label, f"{seconds:.1f}", f"{seconds / floor:.1f}",
                         f"{TARGETS[target]:.0f} s {verdict}"))  # fmt: skip
    print(f"\n(the 1,000-commit import: {kept})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
