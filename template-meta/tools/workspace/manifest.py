"""The manifest (`polystack.yml`) and the answers Copier recorded, as the tool reads them.

The suite's rules (names, ports, routes) are Copier's to judge when it renders; this module
only reads what was rendered, so the tool never disagrees with the templates.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from workspace import vocabulary

MANIFEST_FILE = "polystack.yml"
ANSWERS_FILE = ".copier-answers.yml"
SERVICES_DIR = "services"


class WorkspaceError(RuntimeError):
    """A problem the user can fix; the message says how."""


@dataclass(frozen=True)
class ServiceEntry:
    """One service of the manifest, with the values Copier resolved."""

    name: str
    kind: str
    port: int
    route: str
    repo: str
    ref: str


@dataclass(frozen=True)
class TemplateSource:
    """Where the meta-repo was rendered from: services are rendered from the same place."""

    url: str
    ref: str


def yaml_position(error: yaml.YAMLError) -> str:
    """' at line L, column C: problem' from a parser error, as one line."""
    mark = getattr(error, "problem_mark", None)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    return f"{where}: {problem}"


def read_yaml(path: Path) -> dict[str, Any]:
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise WorkspaceError(f"{path} is missing") from None
    except yaml.YAMLError as error:
        raise WorkspaceError(f"{path} is not valid YAML{yaml_position(error)}") from None
    if not isinstance(loaded, dict):
        raise WorkspaceError(f"{path} must hold a YAML mapping")
    return loaded


@dataclass(frozen=True)
class Manifest:
    """The shared answers of the platform, read from the meta-repo's manifest file."""

    root: Path
    answers: dict[str, Any]

    @classmethod
    def load(cls, root: Path) -> Manifest:
        return cls(root=root, answers=read_yaml(root / MANIFEST_FILE))

    @property
    def path(self) -> Path:
        return self.root / MANIFEST_FILE

    @property
    def services(self) -> tuple[ServiceEntry, ...]:
        raw = self.answers.get("services")
        if not isinstance(raw, list):
            raise WorkspaceError(f"{self.path}: services must be a YAML list")
        entries, problems = [], []
        for index, item in enumerate(raw):
            if not isinstance(item, dict) or not {"name", "kind"} <= item.keys():
                problems.append(f"services[{index}] needs a name and a kind")
                continue
            missing = {"port", "route", "repo", "ref"} - item.keys()
            if missing:
                problems.append(
                    f"service {item['name']!r} has no {', '.join(sorted(missing))}: "
                    "commit the manifest and run `make update` to resolve it"
                )
                continue
            try:
                port = int(item["port"])
            except (TypeError, ValueError):
                problems.append(f"service {item['name']!r} has port {item['port']!r}: use a number")
                continue
            entries.append(
                ServiceEntry(
                    name=str(item["name"]),
                    kind=str(item["kind"]),
                    port=port,
                    route=str(item["route"]),
                    repo=str(item["repo"]),
                    ref=str(item["ref"]),
                )
            )
        if problems:
            raise WorkspaceError("\n".join([f"{self.path}:", *(f"- {p}" for p in problems)]))
        return tuple(entries)

    def service_dir(self, name: str) -> Path:
        return self.root / SERVICES_DIR / name

    def shared_answers(self) -> dict[str, Any]:
        return {key: self.answers[key] for key in vocabulary.shared_keys() if key in self.answers}

    def with_service(self, entry: dict[str, Any]) -> dict[str, Any]:
        """The shared answers with one more service appended."""
        answers = self.shared_answers()
        answers["services"] = [*answers.get("services", []), entry]
        return answers


def recorded_answers(repo: Path) -> dict[str, Any]:
    return read_yaml(repo / ANSWERS_FILE)


def template_version(repo: Path) -> str:
    """The template version a repo was last rendered or updated with, or '?'."""
    if not (repo / ANSWERS_FILE).is_file():
        return "?"
    return str(recorded_answers(repo).get("_commit", "?"))


def template_source(repo: Path) -> TemplateSource:
    answers = recorded_answers(repo)
    url, ref = answers.get("_src_path"), answers.get("_commit")
    if not url or not ref:
        raise WorkspaceError(
            f"{repo / ANSWERS_FILE} records no template source and version (_src_path, _commit):"
            " render the meta-repo from a git URL or a tagged git checkout of the templates"
        )
    if is_relative_path(str(url)):
        raise WorkspaceError(
            f"{repo / ANSWERS_FILE} records the template source as the relative path {url!r}, "
            "which only works from the folder Copier ran in: set _src_path there to the "
            "template's absolute path, a ~ path or its git URL"
        )
    return TemplateSource(url=str(url), ref=str(ref))


# Template sources that are not local paths: URLs, `gh:` shortcuts, scp-like `user@host:path`.
REMOTE_SOURCE = re.compile(r"^([a-z][a-z0-9+.-]*:|[^/]+@[^/:]+:)", re.IGNORECASE)


def is_relative_path(source: str) -> bool:
    return not (source.startswith("~") or os.path.isabs(source) or REMOTE_SOURCE.match(source))


def dump_answers(answers: dict[str, Any], path: Path) -> Path:
    path.write_text(yaml.safe_dump(answers, sort_keys=False, allow_unicode=True), "utf-8")
    return path
