"""The user's comments in `polystack.yml`, carried through an update.

Copier renders the manifest from its answers, so an update writes it anew: the values the
user edited arrive as answers, but the comments they wrote would be lost. A three-way merge
(git merge-file: the old release's render, the user's file, the update's render) brings the
user's lines back wherever the template did not rewrite the same place; where both did, the
render wins, since it holds the resolved values. The merge is kept only if it reads back as
the same data as the render. Whatever comment still did not make it is named, never dropped
without a word.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import yaml


def comment_of(line: str) -> str:
    """The comment a YAML line carries (`# ...`), or ''; a `#` inside quotes is text."""
    quote = ""
    for index, char in enumerate(line):
        if quote:
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "#" and (index == 0 or line[index - 1] in " \t"):
            return line[index:].rstrip()
    return ""


def comments(text: str) -> list[str]:
    return [c for c in map(comment_of, text.splitlines()) if c]


def merge(base: str, mine: str, theirs: str) -> str:
    """`theirs` with the user's own lines merged in where they do not overlap its changes."""
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for name, text in (("mine", mine), ("base", base), ("theirs", theirs)):
            path = Path(tmp) / name
            path.write_text(text)
            files.append(str(path))
        merged = subprocess.run(
            ["git", "merge-file", "-p", "--theirs", *files],
            capture_output=True, text=True, stdin=subprocess.DEVNULL, check=False,
        )  # fmt: skip
    if merged.returncode < 0 or not merged.stdout:
        return theirs
    try:
        same = yaml.safe_load(merged.stdout) == yaml.safe_load(theirs)
    except yaml.YAMLError:
        same = False
    return merged.stdout if same else theirs


def carry(base: str, mine: str, theirs: str) -> tuple[str, list[str]]:
    """The manifest to keep, and the user's comments it could not keep."""
    result = merge(base, mine, theirs)
    had = set(comments(base))
    kept = comments(result)
    lost = [c for c in comments(mine) if c not in had and c not in kept]
    return result, lost
