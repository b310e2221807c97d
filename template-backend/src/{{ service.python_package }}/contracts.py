"""The committed JSON Schemas of the change events: rendered the same way every time,
checked in CI like the OpenAPI document."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .schemas.events import CONTRACTS, Contract

DEFAULT_DIR = Path("schemas")
DIALECT = "https://json-schema.org/draft/2020-12/schema"


def schema(contract: Contract) -> dict[str, Any]:
    document = contract.model.model_json_schema(mode="serialization")
    return {"$schema": DIALECT, "$id": contract.schema_file, **document}


def render() -> dict[str, str]:
    """Each schema file's name and text."""
    return {
        contract.schema_file: json.dumps(schema(contract), indent=2, sort_keys=True) + "\n"
        for contract in CONTRACTS
    }


def write(directory: Path = DEFAULT_DIR) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    expected = render()
    for stale in directory.glob("*.json"):
        if stale.name not in expected:
            stale.unlink()
    for name, text in expected.items():
        (directory / name).write_text(text, encoding="utf-8")


def is_fresh(directory: Path = DEFAULT_DIR) -> bool:
    expected = render()
    present = {path.name for path in directory.glob("*.json")} if directory.is_dir() else set()
    return present == set(expected) and all(
        (directory / name).read_text(encoding="utf-8") == text for name, text in expected.items()
    )
