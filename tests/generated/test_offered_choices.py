"""Which tier-3 run of a generated repo's own `make check` covers each choice copier.yml offers,
as data, and a check that every choice has one, on the version it names.

A backend's uv runs the Python its `.python-version` names (never downloading one); a
frontend's commands run on the Node.js its `.nvmrc` names, from the suite's cache (see
node_runtimes.py). So each version below is the one its `make check` ran on, provided this
machine has it: the last tests say so.
"""

from __future__ import annotations

import importlib
from typing import Any

import pytest
import yaml
from test_backend_app import NEWEST_PYTHON, OIDC_ANSWERS
from test_frontend_app import ADMIN_BILLING, PREFIX_NODE_VERSIONS
from test_frontend_app import OIDC_ANSWERS as FRONTEND_OIDC_ANSWERS

from helpers import ROOT, run, tool
from node_runtimes import node_env

# (kind, answers, the test that runs the render's `make check` or `make ci-local`)
RUNS: list[tuple[str, dict[str, Any], str]] = [
    ("backend", {}, "test_backend_app::test_defaults_pass_make_ci_local_on_postgresql"),
    ("backend", NEWEST_PYTHON, "test_backend_app::test_newest_python_passes_make_check_on_sqlite"),
    ("backend", OIDC_ANSWERS, "test_backend_app::test_oidc_variant_passes_make_check"),
    ("frontend", {}, "test_frontend_app::test_make_ci_local_passes"),
    ("frontend", FRONTEND_OIDC_ANSWERS, "test_frontend_app::test_oidc_variant_passes_make_check"),
    *[("frontend", {**ADMIN_BILLING, "node_version": node},
       "test_frontend_app::test_frontend_under_a_prefix_passes_make_check")
      for node in PREFIX_NODE_VERSIONS],
]  # fmt: skip
# The questions whose every choice must reach a `make check` of the kind that asks them.
OFFERED = {
    "python_version": ("backend",),
    "node_version": ("frontend",),
    "auth": ("backend", "frontend"),
}


def questions() -> dict[str, Any]:
    loaded = yaml.safe_load((ROOT / "copier.yml").read_text())
    return {name: loaded[name] for name in OFFERED}


@pytest.mark.unit
@pytest.mark.parametrize("question", sorted(OFFERED))
def test_every_offered_choice_passes_make_check_in_tier_3(question: str) -> None:
    asked = questions()[question]
    for asking in OFFERED[question]:
        covered = {str(answers.get(question, asked["default"])) for kind, answers, _ in RUNS
                   if kind == asking}  # fmt: skip
        assert covered == {str(choice) for choice in asked["choices"]}, asking


@pytest.mark.unit
@pytest.mark.parametrize("test", sorted({test for _, _, test in RUNS}))
def test_each_run_is_a_test_of_the_suite(test: str) -> None:
    module, name = test.split("::")
    found = getattr(importlib.import_module(module), name, None)
    assert name.startswith("test_") and callable(found), f"{test} is not a test of the suite"


@pytest.mark.generated
@pytest.mark.parametrize("version", questions()["python_version"]["choices"])
def test_every_offered_python_is_installed(version: str) -> None:
    """uv finds it as a generated backend's `make setup` does: no download."""
    found = run([tool("uv"), "python", "find", version], cwd=ROOT,
                env={"UV_PYTHON_DOWNLOADS": "never"}).stdout  # fmt: skip
    python = run([found.strip(), "--version"], cwd=ROOT).stdout
    assert python.startswith(f"Python {version}."), python


@pytest.mark.generated
@pytest.mark.parametrize("major", questions()["node_version"]["choices"])
def test_every_offered_node_is_installed(major: str) -> None:
    node = run(["node", "--version"], cwd=ROOT, env=node_env(major)).stdout
    assert node.startswith(f"v{major}."), node
