"""The pin table (extensions/pins.toml) is the one place versions come from: template files
name its entries and never a version themselves, workflow templates write GitHub expressions
one way, the suite's own workflow follows the table, and every Renovate configuration passes
Renovate's own validator. (test_matrix.py checks every rendered pin against the table.)"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

import model
import pins
from found_pins import from_workflow
from helpers import ROOT, run, tool

pytestmark = pytest.mark.unit

TABLE = pins.read_table()
TEMPLATE_TREES = ("template-backend", "template-frontend", "template-meta", "includes")
# Files another tool writes, whose versions are their own (lockfiles).
LOCKFILES = re.compile(r"(uv\.lock|pnpm-lock\.yaml)(\{% endif %\})?(\.jinja)?$")
WORKFLOW_TEMPLATES = sorted(
    [p for tree in TEMPLATE_TREES[:3] for p in (ROOT / tree / ".github/workflows").iterdir()]
    + list((ROOT / "includes/github").glob("*.yml.jinja"))
)
RENOVATE_CONFIGS = (ROOT / ".github/renovate.json", ROOT / "includes/renovate.json.jinja")


def template_texts() -> dict[str, str]:
    texts = {}
    for tree in TEMPLATE_TREES:
        for path in sorted((ROOT / tree).rglob("*")):
            if path.is_file() and not LOCKFILES.search(path.name):
                texts[str(path.relative_to(ROOT))] = path.read_text(errors="replace")
    return texts


TEXTS = template_texts()


def test_every_action_is_pinned_to_a_release_commit() -> None:
    assert TABLE["actions"]
    for name, pin in TABLE["actions"].items():
        assert re.fullmatch(r"[\w.-]+/[\w.-]+", name), name
        assert re.fullmatch(r"[0-9a-f]{40}", pin["sha"]), name
        assert re.fullmatch(r"v\d+\.\d+\.\d+", pin["version"]), name


def literal_pins() -> set[str]:
    """Every version the table holds, as a template would write it if it did not ask."""
    literals = {pin["sha"] for pin in TABLE["actions"].values()}
    literals |= {TABLE["runner"]["label"], TABLE["runner"]["act_image"]}
    literals |= set(TABLE["tools"].values())
    for python in model.PYTHON_VERSIONS:
        for node in model.NODE_VERSIONS:
            literals |= set(pins.load(python, node).images.values())
    return literals


def test_no_template_file_writes_a_pin_itself() -> None:
    # A whole word: the version 1.15.5 is not found in 11.15.5 or 1.15.50.
    patterns = {literal: re.compile(rf"(?<![\w.]){re.escape(literal)}(?![\w.])")
                for literal in literal_pins()}  # fmt: skip
    found = {
        (name, literal) for name, text in TEXTS.items() for literal, pattern in patterns.items()
        if pattern.search(text)
    }  # fmt: skip
    assert not found, f"use `pins` (extensions/pins.toml) instead: {sorted(found)}"


def test_every_entry_of_the_table_is_used_by_a_template() -> None:
    everything = "\n".join(TEXTS.values())
    uses = [f'pins.uses("{name}")' for name in TABLE["actions"]]
    uses += [f"pins.images.{name}" for name in TABLE["images"]]
    uses += [f"pins.tools.{name}" for name in TABLE["tools"]]
    uses += ["pins.runner", "pins.act_image"]
    assert [use for use in uses if use not in everything] == []


@pytest.mark.parametrize("path", WORKFLOW_TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_workflow_templates_write_github_expressions_one_way(path: Path) -> None:
    # `{{ "github.ref" | actions_expr }}`: never `{% raw %}` nor a bare `${{ }}`.
    text = path.read_text()
    assert not re.search(r"\{%-?\s*(end)?raw", text)
    assert "${{" not in text


def test_the_suite_s_own_workflow_follows_the_table() -> None:
    table = pins.load("3.12", "22")
    allowed = {("runner", "runs-on", table.runner), ("tool", "uv", table.tools["uv"])}
    allowed |= {("action", name, table.uses(name).partition("@")[2]) for name in table.actions}
    for workflow in sorted((ROOT / ".github/workflows").glob("*.yml")):
        found = set(from_workflow(workflow))
        assert {what for what, _, _ in found} >= {"action", "runner"}
        assert found <= allowed, f"{workflow.name}: {sorted(found - allowed)}"


@pytest.mark.parametrize("path", RENOVATE_CONFIGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_renovate_config_passes_renovate_s_validator(path: Path, tmp_path: Path) -> None:
    config = json.loads(path.read_text())
    assert config["minimumReleaseAge"], "updates wait after their release"
    groups = {rule.get("groupName") for rule in config["packageRules"]}
    assert {"GitHub Actions", "Python dependencies", "container images"} <= groups
    shutil.copyfile(path, tmp_path / "renovate.json")
    run([tool("check-jsonschema"), "--builtin-schema", "vendor.renovate", "renovate.json"],
        cwd=tmp_path)  # fmt: skip
    # As a repository's config (not a self-hosted global one); --strict also fails on a
    # config Renovate would migrate.
    run([tool("renovate-config-validator"), "--strict", "--no-global", "renovate.json"],
        cwd=tmp_path)  # fmt: skip
