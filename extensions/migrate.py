"""Migrations that `copier update` runs when a release changes the layout of generated repos.

Run from `_migrations` in copier.yml, in the project being updated:

    python extensions/migrate.py move OLD NEW                      (after the update)
    python extensions/migrate.py answer ANSWERS_FILE KEY OLD NEW   (before it)

A release that moves a generated file leaves its content unchanged (content changes ship in
another release). Copier alone would drop the user's version at OLD and write the template's
at NEW; `move` puts the user's version at NEW instead, so their edits follow the file, and
keeps it deleted when the user had deleted it.
"""

from __future__ import annotations

import argparse
import re
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


def rename_answer(answers_file: Path, key: str, old: str, new: str) -> str:
    """A recorded answer whose choice was renamed, given its new name. Copier reads the
    answers file again after the migrations that run before an update, so the update renders
    with the new name; the file's other lines stay as Copier wrote them."""
    if not answers_file.is_file():
        return f"{answers_file}: no answers file, nothing to rename"
    text = answers_file.read_text(encoding="utf-8")
    line = re.compile(rf"^{re.escape(key)}:[ \t]*(['\"]?){re.escape(old)}\1[ \t]*$", re.M)
    renamed, count = line.subn(f"{key}: {new}", text)
    if not count:
        return f"{answers_file}: {key} is not {old!r}, nothing to rename"
    answers_file.write_text(renamed, encoding="utf-8")
    return f"{answers_file}: {key} {old!r} is now {new!r}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Layout migrations of generated repos.")
    commands = parser.add_subparsers(dest="command", required=True)
    move_args = commands.add_parser("move", help="carry a generated file to its new path")
    move_args.add_argument("old", type=Path)
    move_args.add_argument("new", type=Path)
    answer_args = commands.add_parser("answer", help="rename a recorded answer's value")
    answer_args.add_argument("answers_file", type=Path)
    answer_args.add_argument("key")
    answer_args.add_argument("old")
    answer_args.add_argument("new")
    args = parser.parse_args(argv)
    if args.command == "move":
        print(move(args.old, args.new))
    else:
        print(rename_answer(args.answers_file, args.key, args.old, args.new))
    return 0


if __name__ == "__main__":
    sys.exit(main())
