"""Every pin a rendered repo holds, read the way each file's own tool reads it: workflows and
Compose files with a YAML loader, Dockerfiles instruction by instruction, package.json as JSON.

A pin is (what, name, value): ("action", "actions/checkout", "<sha> # v4.2.2"), ("runner",
"runs-on", "ubuntu-24.04"), ("image", "postgres", "16-alpine"), ("tool", "uv", "0.13.9").
Images the repos build themselves (a variable or `local` tag) are not pins.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

Pin = tuple[str, str, str]
# `uses: owner/repo@ref # version`, as a workflow line holds it (YAML drops the comment).
USES_LINE = re.compile(r"uses:\s*([^\s@]+)@(\S+)(?:\s+#\s*(\S+))?")
# The input of a setup action that names the tool's version.
TOOL_INPUTS = {"astral-sh/setup-uv": {"uv": "version"},
               "hashicorp/setup-terraform": {"terraform": "terraform_version"}}  # fmt: skip
DEFAULTED = re.compile(r"^\$\{\w+:-(.+)\}$")  # ${POSTGRES_IMAGE:-postgres:16-alpine}


def image(reference: str) -> Pin | None:
    """An image reference as a pin, or None for one the repos build (tag from a variable)."""
    if match := DEFAULTED.match(reference):
        reference = match.group(1)
    if "$" in reference or reference.endswith(":local"):
        return None
    repository, _, tag = reference.rpartition(":")
    return ("image", repository, tag) if repository and "/" not in tag else ("image", reference, "")


def from_workflow(path: Path) -> Iterator[Pin]:
    text = path.read_text()
    workflow = yaml.safe_load(text)
    comments = {f"{action}@{ref}": note for action, ref, note in USES_LINE.findall(text)}
    for job in workflow["jobs"].values():
        if "runs-on" in job:
            yield ("runner", "runs-on", str(job["runs-on"]))
        for container in job.get("services", {}).values():
            if pin := image(container["image"]):
                yield pin
        for step in job.get("steps", []):
            uses = step.get("uses", "")
            if not uses or uses.startswith("./"):
                continue
            action, _, ref = uses.partition("@")
            yield ("action", action, f"{ref} # {comments.get(uses, '')}")
            for tool, key in TOOL_INPUTS.get(action, {}).items():
                if key in step.get("with", {}):
                    yield ("tool", tool, str(step["with"][key]))


def from_dockerfile(text: str) -> Iterator[Pin]:
    stages = set()
    for line in text.splitlines():
        words = line.split()
        if words[:1] == ["FROM"]:
            stages.update(words[3:4])  # FROM image AS name
            if words[1] not in stages and (pin := image(words[1])):
                yield pin
        if words[:1] == ["ARG"] and "=" in words[1]:
            name, value = words[1].split("=", 1)
            if name.endswith("_IMAGE") and (pin := image(value)):
                yield pin
            elif name.endswith("_VERSION"):
                yield ("tool", name.removesuffix("_VERSION").lower(), value)


def from_compose(path: Path) -> Iterator[Pin]:
    for service in (yaml.safe_load(path.read_text()).get("services") or {}).values():
        if "image" in service and (pin := image(service["image"])):
            yield pin
        build = service.get("build") or {}
        if isinstance(build, dict):
            yield from from_dockerfile(build.get("dockerfile_inline", ""))
            for value in (build.get("args") or {}).values():
                if pin := image(str(value)):
                    yield pin


def from_env_example(path: Path) -> Iterator[Pin]:
    for line in path.read_text().splitlines():
        name, _, value = line.partition("=")
        if name.endswith("_IMAGE") and not name.startswith("#") and (pin := image(value)):
            yield pin


def from_actrc(path: Path) -> Iterator[Pin]:
    for line in path.read_text().splitlines():
        if line.startswith("-P "):
            label, _, act_image = line.removeprefix("-P ").partition("=")
            yield ("runner", "runs-on", label)
            yield ("act", "act_image", act_image)


def from_package_json(path: Path) -> Iterator[Pin]:
    manager: str = json.loads(path.read_text()).get("packageManager", "")
    if manager:
        name, _, version = manager.partition("@")
        yield ("tool", name, version)


def pins_of(root: Path) -> dict[Pin, list[str]]:
    """Every pin of a rendered repo, with the files that hold it."""
    readers: list[tuple[str, Any]] = [
        (".github/workflows/*.yml", from_workflow),
        ("Dockerfile", lambda p: from_dockerfile(p.read_text())),
        ("compose.yaml", from_compose),
        ("deploy/swarm/stack.yml", from_compose),
        (".env.example", from_env_example),
        (".actrc", from_actrc),
        ("package.json", from_package_json),
    ]
    found: dict[Pin, list[str]] = {}
    for pattern, read in readers:
        for path in sorted(root.glob(pattern)):
            for pin in read(path):
                found.setdefault(pin, []).append(str(path.relative_to(root)))
    return found
