"""The committed OpenAPI document: rendered the same way every time, checked in CI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .app import build_api

DEFAULT_PATH = Path("openapi.json")


def document() -> dict[str, Any]:
    """The API's document: paths relative to the route prefix, no `servers`."""
    return build_api().openapi()


# Escaped as Jinja's `tojson` escapes (still plain JSON): the template that generated this
# repo writes the title into the committed document that way.
HTML_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "'": "\\u0027"})


def render() -> str:
    return json.dumps(document(), indent=2, sort_keys=True).translate(HTML_SAFE) + "\n"


def write(path: Path = DEFAULT_PATH) -> None:
    path.write_text(render(), encoding="utf-8")


def is_fresh(path: Path = DEFAULT_PATH) -> bool:
    return path.is_file() and path.read_text(encoding="utf-8") == render()
