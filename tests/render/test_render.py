"""Tier 2: every kind renders, for a matrix of answers, into parseable, Jinja-free files."""

from __future__ import annotations

import filecmp
import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from helpers import answers, render, run, tool

pytestmark = pytest.mark.render

# The Markdown rules, chosen for generated docs: tables and links carry answers of any length.
MARKDOWN_CONFIG = Path(__file__).with_name("pymarkdown.json")
ISSUE_TEMPLATES = Path(".github/ISSUE_TEMPLATE")
# The docs are linted on the richest render of each kind: the tables hold 12 services.
DOCS_LINTED = {"meta-12-services", "backend-of-12-oidc", "frontend-of-12-nonroot"}

KINDS = ("meta", "backend", "frontend")
# What a forgotten Jinja expression looks like in output: a tag, or an expression naming
# something only the template context has. (`${{ }}` of Actions and `{{ $labels }}` of
# Prometheus rules are legitimate, as are JSX's `style={{ ... }}`.)
LEFTOVER = re.compile(
    r"\{%-?\s|\{\{-?\s*(suite|service|project_\w+|organization|domain|registry|"
    r"python_version|node_version|engines|services|service_name|template_kind|auth|_copier\w*)\b"
)


def services(count: int) -> list[dict[str, Any]]:
    """`count` services of mixed kinds: one frontend at '/', the rest alternate."""
    entries: list[dict[str, Any]] = [{"name": "web", "kind": "frontend", "route": "/"}]
    for index in range(1, count):
        kind = "backend" if index % 3 else "frontend"
        entries.append({"name": f"svc-{index}", "kind": kind})
    if count > 1 and not any(e["kind"] == "backend" for e in entries):
        entries[1]["kind"] = "backend"
    return entries[:count] if count > 1 else [{"name": "api", "kind": "backend"}]


MATRIX = [
    pytest.param("meta", {}, id="meta-defaults"),
    pytest.param("backend", {}, id="backend-defaults"),
    pytest.param("frontend", {}, id="frontend-defaults"),
    pytest.param("meta", {"services": services(1)}, id="meta-1-service"),
    pytest.param("meta", {"services": services(3), "domain": "platform.example.com"},
                 id="meta-3-services"),
    pytest.param("meta", {"services": services(12), "project_name": "Big Co Platform",
                          "engines": ["nats", "redis"]}, id="meta-12-services"),
    pytest.param("backend", {"services": services(12), "service_name": "svc-4", "auth": "oidc",
                             "python_version": "3.13", "engines": ["nats", "redis"]},
                 id="backend-of-12-oidc"),
    pytest.param("frontend", {"services": services(12), "service_name": "svc-3",
                              "node_version": "24"}, id="frontend-of-12-nonroot"),
]  # fmt: skip


def files_of(tree: Path) -> list[Path]:
    return sorted(p for p in tree.rglob("*") if p.is_file() and ".git" not in p.parts)


def parse(path: Path) -> None:
    text = path.read_text()
    if path.suffix in {".yml", ".yaml"}:
        list(yaml.safe_load_all(text))
    elif path.suffix == ".json" and path.name != "tsconfig.json":
        json.loads(text)
    elif path.suffix == ".toml" or path.name == "uv.lock":
        tomllib.loads(text)


def assert_clean_and_parseable(out: Path, rendered: list[Path]) -> None:
    """No template file or Jinja is left in the render, and every data file parses."""
    assert len(rendered) > 3
    for path in rendered:
        assert not path.name.endswith(".jinja"), path
        try:
            text = path.read_text()
        except UnicodeDecodeError:
            continue
        match = LEFTOVER.search(text)
        assert match is None, f"Jinja left in {path.relative_to(out)}: {match and match.group()}"
        parse(path)


@pytest.mark.parametrize(("kind", "data"), MATRIX)
def test_renders_clean_and_parseable(
    template: Path, tmp_path: Path, kind: str, data: dict[str, Any], request: pytest.FixtureRequest
) -> None:
    out = render(template, tmp_path / "out", {"template_kind": kind, **data}, skip_tasks=True)
    rendered = files_of(out)
    assert_clean_and_parseable(out, rendered)
    if request.node.callspec.id in DOCS_LINTED:
        lint_docs(out, rendered)


def lint_docs(out: Path, rendered: list[Path]) -> None:
    """Every Markdown file passes pymarkdown; the issue forms match GitHub's schemas."""
    docs = [str(p.relative_to(out)) for p in rendered if p.suffix == ".md"]
    assert {"README.md", "AGENTS.md", "CONTRIBUTING.md"} <= set(docs)
    run([tool("pymarkdown"), "--strict-config", "--config", MARKDOWN_CONFIG, "scan", *docs],
        cwd=out)  # fmt: skip
    forms = [str(ISSUE_TEMPLATES / name) for name in ("bug.yml", "feature.yml")]
    checker = tool("check-jsonschema")
    run([checker, "--builtin-schema", "vendor.github-issue-forms", *forms], cwd=out)
    config = str(ISSUE_TEMPLATES / "config.yml")
    run([checker, "--builtin-schema", "vendor.github-issue-config", config], cwd=out)


@pytest.mark.parametrize("kind", KINDS)
def test_answers_file_makes_updates_possible(template: Path, tmp_path: Path, kind: str) -> None:
    out = render(template, tmp_path / "out", {"template_kind": kind}, skip_tasks=True)
    recorded = answers(out)
    assert Path(recorded["_src_path"]).is_absolute()
    assert Path(recorded["_src_path"]) == template
    assert recorded["_commit"] == "1.0.0"
    assert recorded["template_kind"] == kind
    for key in ("project_slug", "organization", "domain", "registry", "auth", "services"):
        assert key in recorded
    assert ("service_name" in recorded) is (kind != "meta")


@pytest.mark.parametrize("kind", KINDS)
def test_same_answers_give_identical_trees(template: Path, tmp_path: Path, kind: str) -> None:
    data = {"template_kind": kind, "services": services(3)}
    first = render(template, tmp_path / "one", data, skip_tasks=True)
    second = render(template, tmp_path / "two", data, skip_tasks=True)
    one = [p.relative_to(first) for p in files_of(first)]
    two = [p.relative_to(second) for p in files_of(second)]
    assert one == two
    _, mismatch, errors = filecmp.cmpfiles(first, second, [str(p) for p in one], shallow=False)
    assert (mismatch, errors) == ([], [])
