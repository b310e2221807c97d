"""Migrations that `copier update` runs when a release changes the layout of generated repos.

Run from `_migrations` in copier.yml, in the project being updated, after the update:

    python extensions/migrate.py move OLD NEW

A release that moves a generated file leaves its content unchanged (content changes ship in
another release). Copier alone would drop the user's version at OLD and write the template's
at NEW; `move` puts the user's version at NEW instead, so their edits follow the file, and
keeps it deleted when the user had deleted it.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path


def committed(path: Path) -> bytes | None:
    """The file as in HEAD (the update starts from a clean tree), or None."""
    proc = subprocess.run(
        ["git", "show", f"HEAD:{path.as_posix()}"], capture_output=True, check=False
    )
    return proc.stdout if proc.returncode == 0 else None


def move(old: Path, new: Path) -> str:
    if committed(new) is not None:
        return f"{new}: already in the project, nothing to move"
    users = old.read_bytes() if old.is_file() else committed(old)
    if users is None:
        new.unlink(missing_ok=True)
        return f"{old}: deleted in the project, so {new} is not added"
    new.parent.mkdir(parents=True, exist_ok=True)
    new.write_bytes(users)
    old.unlink(missing_ok=True)
    return f"moved {old} -> {new}, with the project's edits"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Layout migrations of generated repos.")
    commands = parser.add_subparsers(dest="command", required=True)
    move_args = commands.add_parser("move", help="carry a generated file to its new path")
    move_args.add_argument("old", type=Path)
    move_args.add_argument("new", type=Path)
    args = parser.parse_args(argv)
    print(move(args.old, args.new))
    return 0


if __name__ == "__main__":
    sys.exit(main())
