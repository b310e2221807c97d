"""Tier 1: no answer becomes a JavaScript or TypeScript identifier.

The frontend's script templates, read with Jinja's own parser, put every value they print
into a string literal (`json_str`, `tojson`), a number, or a comment. So a service named after
a reserved word of JavaScript (`delete`, `new`, `class`) renders valid code, and docs/naming.md
can say that JavaScript's reserved words do not restrict names.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from jinja2 import Environment, nodes

from helpers import ROOT

pytestmark = pytest.mark.unit

SCRIPTS = ("*.ts.jinja", "*.tsx.jinja", "*.js.jinja", "*.mjs.jinja", "*.cjs.jinja", "*.mts.jinja")
STRING_FILTERS = {"json_str", "tojson"}
NUMBERS = {"port", "metrics_port"}  # attributes the model types as int


def script_templates() -> list[Path]:
    root = ROOT / "template-frontend"
    return sorted(path for pattern in SCRIPTS for path in root.rglob(pattern))


def printed(path: Path) -> list[tuple[int, nodes.Expr]]:
    """Every `{{ ... }}` of a template, with its line."""
    tree = Environment().parse(path.read_text())
    return [(expr.lineno, expr) for output in tree.find_all(nodes.Output)
            for expr in output.nodes if not isinstance(expr, nodes.TemplateData)]  # fmt: skip


def in_a_comment(line: str) -> bool:
    before = line.split("{{", 1)[0]
    return "//" in before or ("/*" in before and "*/" not in before)


def test_the_frontend_has_script_templates() -> None:
    names = {path.name for path in script_templates()}
    assert {"service.ts.jinja", "next.config.ts.jinja"} <= names


@pytest.mark.parametrize("path", script_templates(), ids=lambda path: path.name)
def test_every_printed_value_is_a_string_literal_a_number_or_a_comment(path: Path) -> None:
    lines = path.read_text().splitlines()
    for lineno, expr in printed(path):
        as_string = isinstance(expr, nodes.Filter) and expr.name in STRING_FILTERS
        as_number = isinstance(expr, nodes.Getattr) and expr.attr in NUMBERS
        assert as_string or as_number or in_a_comment(lines[lineno - 1]), (
            f"{path.name}:{lineno} prints a value into code: quote it with `| json_str`"
        )
