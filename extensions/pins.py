"""The pin table (`pins.toml`) as templates read it: `pins.uses("actions/checkout")`,
`pins.runner`, `pins.images["python"]`, `pins.tools["uv"]`."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TABLE = Path(__file__).with_name("pins.toml")


@dataclass(frozen=True)
class Pins:
    runner: str
    act_image: str
    actions: dict[str, dict[str, str]]
    images: dict[str, str]
    tools: dict[str, str]

    def uses(self, action: str) -> str:
        """A `uses:` value: the action at its commit, its release in a trailing comment."""
        pin = self.actions[action]
        return f"{action}@{pin['sha']} # {pin['version']}"


def read_table(path: Path = TABLE) -> dict[str, Any]:
    with path.open("rb") as file:
        return tomllib.load(file)


def load(python_version: str, node_version: str, path: Path = TABLE) -> Pins:
    """The table with the suite's Python and Node versions, and the tools' versions, put
    into the image tags."""
    table = read_table(path)
    versions = {**table["tools"], "python_version": python_version, "node_version": node_version}
    return Pins(
        runner=table["runner"]["label"],
        act_image=table["runner"]["act_image"],
        actions=table["actions"],
        images={name: tag.format(**versions) for name, tag in table["images"].items()},
        tools=dict(table["tools"]),
    )
