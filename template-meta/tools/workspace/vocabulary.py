"""The suite model's vocabulary and each service's runtime, as the templates rendered them.

The tool cannot import the suite's extension (the meta-repo has no copy of it), so Copier
renders what the tool needs from the model into suite.json beside this file: the answers
every repo shares, the service kinds, how each service runs natively and is probed, from
the same description compose, Swarm and Kubernetes are rendered from, and the engines
(NATS, Redis) the platform runs beside them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).with_name("suite.json")


@dataclass(frozen=True)
class Runtime:
    """How native mode prepares, runs and waits for one service."""

    name: str
    kind: str
    port: int
    liveness: str  # URLs on loopback
    readiness: str
    prepare: dict[str, list[list[str]]]  # by mode: dev, start
    standalone: bool  # `make start` serves Next's standalone build
    data_dir: str | None  # created before the first start (SQLite's file)
    link: tuple[str, str]  # (what, path on the edge) the run prints


@dataclass(frozen=True)
class Engine:
    """A server native mode runs beside the services (the manifest's `engines`)."""

    name: str
    title: str
    program: str  # the binary the Procfiles run
    package: str  # the Debian package that installs it
    port_env: str  # the setting of its loopback port
    port: int  # that setting's default
    env_var: str  # what each backend reads its URL from
    url: str  # that URL, `${port_env}` standing for the port
    data_dir: str


@cache
def _data() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(DATA.read_text(encoding="utf-8"))
    return loaded


def shared_keys() -> tuple[str, ...]:
    return tuple(_data()["shared_keys"])


def kinds() -> tuple[str, ...]:
    return tuple(_data()["kinds"])


def runtimes() -> dict[str, Runtime]:
    """Every rendered service's runtime, by name."""
    return {
        name: Runtime(name=name, **{**facts, "link": tuple(facts["link"])})
        for name, facts in _data()["services"].items()
    }


def engines() -> dict[str, Engine]:
    """The engines the platform runs, by name."""
    return {name: Engine(name=name, **facts) for name, facts in _data().get("engines", {}).items()}
