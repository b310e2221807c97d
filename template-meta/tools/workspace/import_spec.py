"""What `make import` is asked to bring in: one service from the command line, or many from a
map file. Every problem found is collected, so that the user sees them all at once."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from workspace.manifest import WorkspaceError

MAP_KEYS = ("name", "kind", "dir", "route", "port")
REQUIRED = ("name", "kind", "dir")
WHOLE_REPO = "."


class ImportProblems(WorkspaceError):
    """Several problems with what to import; the message lists each with its fix."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        listed = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(f"nothing was imported, {len(problems)} problem(s):\n{listed}")


@dataclass(frozen=True)
class ImportSpec:
    """One folder of the source to become the service repo `name`."""

    name: str
    kind: str
    dir: str  # a relative POSIX path, or "." for the whole repository
    route: Any = None  # judged by the suite's rules, as written
    port: Any = None

    @property
    def label(self) -> str:
        return f"{self.name} ({self.dir})"

    def entry(self) -> dict[str, Any]:
        """The manifest entry, with only what was given: the rest is resolved by the rules."""
        entry: dict[str, Any] = {"name": self.name, "kind": self.kind}
        if self.port is not None:
            entry["port"] = self.port
        if self.route is not None:
            entry["route"] = self.route
        return entry


def normalize_dir(text: str) -> str | None:
    """'./apps/x/' -> 'apps/x'; '.' stays; None for a path that leaves the repository."""
    if text.strip() in ("", WHOLE_REPO, "./"):
        return WHOLE_REPO if text.strip() else None
    if text.startswith("/") or "\\" in text:
        return None
    parts = [part for part in PurePosixPath(text).parts if part != "."]
    if not parts or ".." in parts:
        return None
    return "/".join(parts)


def _dir_problem(who: str, raw: object) -> tuple[str | None, str | None]:
    if not isinstance(raw, str):
        return None, f"{who}: dir must be a folder path of the source, e.g. 'apps/billing'"
    folder = normalize_dir(raw)
    if folder is None:
        return None, (
            f"{who}: dir {raw!r} is not a folder inside the source: give a relative path "
            "such as 'apps/billing' (or '.' for the whole repository)"
        )
    return folder, None


def from_args(
    name: str | None, kind: str | None, folder: str | None, route: str | None, port: str | None
) -> tuple[list[ImportSpec], list[str]]:
    """The single service of `make import DIR=... NAME=... KIND=...`."""
    problems = []
    missing = [var for var, value in (("DIR", folder), ("NAME", name), ("KIND", kind)) if not value]
    if missing:
        problems.append(
            f"{', '.join(missing)} missing: give DIR, NAME and KIND "
            "(or MAP=<file.yml> for many services at once)"
        )
    normalized, problem = _dir_problem("DIR", folder) if folder else (None, None)
    if problem:
        problems.append(problem)
    number: int | None = None
    if port is not None:
        if port.strip().isdigit():
            number = int(port)
        else:
            problems.append(f"PORT {port!r} is not a number: give e.g. PORT=8010, or omit it")
    if problems or name is None or kind is None or normalized is None:
        return [], problems
    return [ImportSpec(name, kind, normalized, route, number)], []


def _entries(loaded: object, path: Path) -> tuple[list[Any], list[str]]:
    if isinstance(loaded, dict) and isinstance(loaded.get("services"), list):
        loaded = loaded["services"]
    if not isinstance(loaded, list) or not loaded:
        return [], [
            f"{path}: write a YAML list of services, one per folder, e.g. "
            "'- {name: billing, kind: backend, dir: apps/billing}'"
        ]
    return loaded, []


def from_map(path: Path) -> tuple[list[ImportSpec], list[str]]:
    """Every entry of a map file, and every problem in it."""
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return [], [f"MAP file {path} does not exist: give the path of a YAML list of services"]
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        return [], [f"MAP file {path} is not valid YAML: {error}"]
    raw_entries, problems = _entries(loaded, path)
    specs: list[ImportSpec] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(raw_entries, start=1):
        who = f"{path.name} entry {index}"
        if not isinstance(raw, dict):
            problems.append(
                f"{who} is not a mapping: write it as {{name: ..., kind: ..., dir: ...}}"
            )
            continue
        if isinstance(raw.get("name"), str) and raw["name"]:
            who = f"{path.name} entry {index} ({raw['name']})"
        unknown = sorted(str(key) for key in raw if key not in MAP_KEYS)
        if unknown:
            problems.append(
                f"{who}: unknown key(s) {', '.join(unknown)}: use {', '.join(MAP_KEYS)}"
            )
        absent = [key for key in REQUIRED if raw.get(key) in (None, "")]
        if absent:
            problems.append(
                f"{who}: {', '.join(absent)} missing: every entry needs name, kind, dir"
            )
            continue
        if not isinstance(raw["name"], str) or not isinstance(raw["kind"], str):
            problems.append(f"{who}: name and kind must be text, e.g. name: billing, kind: backend")
            continue
        folder, problem = _dir_problem(who, raw["dir"])
        if problem:
            problems.append(problem)
            continue
        assert folder is not None
        if raw["name"] in seen:
            problems.append(
                f"{who}: the name {raw['name']!r} is also entry {seen[raw['name']]}'s: "
                "give each service its own name"
            )
            continue
        seen[raw["name"]] = index
        specs.append(
            ImportSpec(raw["name"], raw["kind"], folder, raw.get("route"), raw.get("port"))
        )
    return specs, problems
