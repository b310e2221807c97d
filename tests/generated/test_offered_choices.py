"""Which tier-3 run covers each choice copier.yml offers, as data, and a check that it does.

A generated repo's own `make check` runs for two backends and two frontends (CI time allows no
more); the third Python and Node.js versions are covered by the runs of the config tests. The
checks run on this machine's Node.js 20 whatever `node_version` says: the answer changes only
`.nvmrc` (CI's setup-node), the image's base and the docs, which no check reads, so the
frontend on Node 20 is the one whose `.nvmrc` matches the Node the checks run on.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from test_backend_app import JWT_ANSWERS
from test_backend_configs import VARIANTS as BACKEND_CONFIGS
from test_frontend_app import ADMIN_BILLING
from test_frontend_configs import VARIANTS as FRONTEND_CONFIGS

from helpers import ROOT

pytestmark = pytest.mark.unit

# (kind, answers, what runs on the generated repo)
RUNS: list[tuple[str, dict[str, Any], str]] = [
    ("backend", {}, "test_backend_app: make ci-local on PostgreSQL, make test on SQLite, "
                    "make dev, alembic"),
    ("backend", JWT_ANSWERS, "test_backend_app: make check on SQLite, its pre-commit hooks"),
    ("backend", BACKEND_CONFIGS["billing"], "test_backend_configs: the image's build steps "
                                            "natively, then migrate, serve and HEALTHCHECK"),
    ("frontend", {}, "test_frontend_app: make ci-local (make check's targets), the standalone "
                     "server, make dev"),
    ("frontend", ADMIN_BILLING, "test_frontend_app: make check under /admin"),
    ("frontend", FRONTEND_CONFIGS["admin-billing"], "test_frontend_configs: hadolint, compose, "
                                                     "actionlint, kustomize"),
]  # fmt: skip
# The questions whose every choice must reach a tier-3 run of the kind that asks them.
OFFERED = {"python_version": "backend", "node_version": "frontend", "auth": "backend"}
MAKE_CHECK = ("make check", "make ci-local")


def questions() -> dict[str, Any]:
    loaded = yaml.safe_load((ROOT / "copier.yml").read_text())
    return {name: loaded[name] for name in OFFERED}


@pytest.mark.parametrize("question", sorted(OFFERED))
def test_every_offered_choice_runs_in_tier_3(question: str) -> None:
    asked = questions()[question]
    kind = OFFERED[question]
    covered = {str(answers.get(question, asked["default"])): what
               for run_kind, answers, what in RUNS if run_kind == kind}  # fmt: skip
    assert set(covered) == {str(choice) for choice in asked["choices"]}, covered


def test_the_oldest_versions_pass_make_check() -> None:
    """The oldest Python and Node.js offered, the likeliest to break, pass a whole check."""
    offered = questions()
    for question in ("python_version", "node_version"):
        oldest = min(offered[question]["choices"], key=lambda v: tuple(map(int, v.split("."))))
        checked = [what for kind, answers, what in RUNS
                   if kind == OFFERED[question] and answers.get(question) == oldest]  # fmt: skip
        assert any(step in what for what in checked for step in MAKE_CHECK), (question, checked)
