"""Tier 2: bad answers are refused with a message naming the culprit, and nothing is written."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from helpers import render, run, tool

pytestmark = pytest.mark.render

BAD = [
    pytest.param({"project_slug": "Not A Slug"}, "project_slug 'Not A Slug'", id="bad-slug"),
    pytest.param({"organization": "acme inc"}, "organization 'acme inc'", id="bad-org"),
    pytest.param({"domain": "https://acme.io"}, "domain 'https://acme.io'", id="bad-domain"),
    pytest.param({"registry": "ghcr.io/Acme/"}, "registry 'ghcr.io/Acme/'", id="bad-registry"),
    pytest.param({"services": [{"name": "API", "kind": "backend"}]}, "'API'", id="bad-name"),
    pytest.param({"services": [{"name": "a", "kind": "backend"},
                               {"name": "a", "kind": "frontend"}]},
                 "both named 'a'", id="duplicate-name"),
    pytest.param({"services": [{"name": "a", "kind": "backend", "port": 8087},
                               {"name": "b", "kind": "backend", "port": 8087}]},
                 "services 'a' and 'b' both use port 8087", id="duplicate-port"),
    pytest.param({"services": [{"name": "a", "kind": "backend", "port": 9090}]},
                 "port 9090, which Prometheus uses", id="reserved-port"),
    pytest.param({"services": [{"name": "a", "kind": "backend", "route": "/x"},
                               {"name": "b", "kind": "backend", "route": "/x/"}]},
                 "'a' and 'b' both use route '/x'", id="duplicate-route"),
    pytest.param({"services": [{"name": "a", "kind": "frontend", "route": "/"},
                               {"name": "b", "kind": "frontend", "route": "/"},
                               {"name": "c", "kind": "backend"}]},
                 "only one frontend may own '/'", id="two-frontends-at-root"),
    pytest.param({"template_kind": "backend", "service_name": "web"},
                 "'web' is a frontend", id="service-of-wrong-kind"),
    pytest.param({"template_kind": "frontend",
                  "services": [{"name": "api", "kind": "backend"}]},
                 "services has no frontend", id="no-service-of-kind"),
    pytest.param({"services": [{"name": "web", "kind": "frontend"}]},
                 "services has no backend for the frontends", id="frontend-without-backend"),
    pytest.param({"project_name": "東京"},
                 "project_name '東京' has no Latin letter to derive project_slug from: give "
                 "project_slug yourself", id="name-without-latin-letters"),
    pytest.param({"project_slug": "kube-system"}, "Kubernetes keeps for its own namespaces",
                 id="kubernetes-namespace"),
    pytest.param({"services": [{"name": "email", "kind": "backend"},
                               {"name": "email-service", "kind": "backend"}]},
                 "services 'email' and 'email-service' both derive the Python package "
                 "'email_service': rename one of them", id="python-package-clash"),
    pytest.param({"services": [{"name": "api", "kind": "backend"},
                               {"name": "api-migrate", "kind": "backend"}]},
                 "both derive the Swarm service 'api-migrate'", id="swarm-service-clash"),
    pytest.param({"engines": ["nats", "kafka"]},
                 "engines names 'kafka', which the suite does not run: choose among nats, redis",
                 id="unknown-engine"),
    pytest.param({"engines": "redis"}, "engines 'redis' is not a list of engine names",
                 id="engines-not-a-list"),
    pytest.param({"services": "[{name: api, kind: backend}, {name: web kind: frontend]"},
                 "services is not valid YAML at line 1, column ", id="invalid-yaml"),
    pytest.param({"services": [{"name": "API", "kind": "backend", "port": 9090},
                               {"name": "b", "kind": "db"}]},
                 "3 problems, one per line:\n- service 'b': kind", id="every-problem"),
]  # fmt: skip


@pytest.mark.parametrize(("data", "message"), BAD)
def test_bad_answer_is_rejected_and_nothing_written(
    template: Path, tmp_path: Path, data: dict[str, Any], message: str
) -> None:
    dest = tmp_path / "out"
    with pytest.raises(ValueError, match="Validation error") as caught:
        render(template, dest, {"template_kind": "meta", **data})
    assert message in str(caught.value)
    assert not dest.exists()


def test_cli_exits_non_zero_with_the_message(template: Path, tmp_path: Path) -> None:
    dest = tmp_path / "out"
    services = json.dumps([{"name": "billing", "kind": "backend", "port": 8087},
                           {"name": "audit", "kind": "backend", "port": 8087}])  # fmt: skip
    proc = run([tool("copier"), "copy", "--trust", "--defaults", "-d", f"services={services}",
                str(template), str(dest)], check=False)  # fmt: skip
    assert proc.returncode != 0
    assert (
        "services 'billing' and 'audit' both use port 8087: give one another port or omit it "
        "to have one allocated"
    ) in proc.stdout
    assert not dest.exists()


def test_invalid_yaml_on_the_command_line_names_question_line_and_column(
    template: Path, tmp_path: Path
) -> None:
    dest = tmp_path / "out"
    proc = run([tool("copier"), "copy", "--trust", "--defaults", "-d",
                "services=- {name: api, kind: backend}\n- {name: web, kind frontend",
                str(template), str(dest)], check=False)  # fmt: skip
    assert proc.returncode != 0
    assert (
        "Validation error for question 'services': services is not valid YAML at line 2, "
        "column 28: expected ',' or '}', but got '<stream end>': write a YAML list of mappings"
    ) in proc.stdout, proc.stdout
    assert not dest.exists()
