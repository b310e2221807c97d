"""Tier 1: the Jinja glue exposes the model to templates and validators."""

from __future__ import annotations

from typing import Any

import pytest
from jinja2 import Environment

import polystack

pytestmark = pytest.mark.unit

ANSWERS: dict[str, Any] = {
    "project_name": "Acme",
    "project_slug": "acme",
    "organization": "acme",
    "domain": "localhost",
    "registry": "ghcr.io/acme",
    "python_version": "3.12",
    "node_version": "22",
    "engines": [],
    "auth": "oidc",
    "services": [{"name": "api", "kind": "backend"}, {"name": "web", "kind": "frontend"}],
}


@pytest.fixture
def env() -> Environment:
    return Environment(extensions=[polystack.PolystackExtension])


def render(env: Environment, source: str, **context: Any) -> str:
    return env.from_string(source).render(_copier_conf={}, **context)


def test_context_gets_suite_and_own_service(env: Environment) -> None:
    out = render(env, "{{ suite.project_slug }} {{ service.name }}:{{ service.port }}",
                 template_kind="backend", service_name="", **ANSWERS)  # fmt: skip
    assert out == "acme api:8000"
    out = render(env, "{{ service.name }} {{ service.route }}", template_kind="frontend",
                 service_name="web", **ANSWERS)  # fmt: skip
    assert out == "web /"


def test_meta_context_has_suite_and_no_service(env: Environment) -> None:
    out = render(env, "{{ suite.services | length }} {{ service is none }}",
                 template_kind="meta", **ANSWERS)  # fmt: skip
    assert out == "2 True"


def test_incomplete_or_invalid_answers_add_nothing(env: Environment) -> None:
    source = "{{ suite is defined }}"
    assert render(env, source, template_kind="meta", project_name="x") == "False"
    bad = {**ANSWERS, "services": [{"name": "api", "kind": "nope"}]}
    assert render(env, source, template_kind="meta", **bad) == "False"


def test_engines_filter_names_every_problem(env: Environment) -> None:
    source = "{{ engines | engines_error }}"
    assert render(env, source, engines=["redis", "nats"]) == ""
    assert render(env, source, engines=[]) == ""
    message = render(env, source, engines=["kafka", "nats", "nats"])
    assert message.startswith("2 problems, one per line:"), message
    assert "'kafka', which the suite does not run: choose among nats, redis" in message
    assert "'nats' 2 times: name each engine once" in message
    assert "e.g. [nats, redis]" in render(env, source, engines="nats")


def test_validator_filters(env: Environment) -> None:
    assert render(env, "{{ services | services_error }}", services=ANSWERS["services"]) == ""
    dup = [{"name": "a", "kind": "backend"}, {"name": "a", "kind": "backend"}]
    assert "both named 'a'" in render(env, "{{ services | services_error }}", services=dup)
    source = "{{ name | service_name_error(services, kind) }}"
    ok = render(env, source, name="api", services=ANSWERS["services"], kind="backend")
    assert ok == ""
    wrong = render(env, source, name="web", services=ANSWERS["services"], kind="backend")
    assert "'web' is a frontend" in wrong
    assert "project_slug" in render(env, "{{ 'A B' | name_error('project_slug') }}")
    assert render(env, "{{ 'acme' | organization_error }}") == ""
    assert "domain" in render(env, "{{ 'a b' | domain_error }}")
    assert "registry" in render(env, "{{ 'A/B' | registry_error }}")
    assert polystack.answers_error(ANSWERS) == ""
    assert "organization" in polystack.answers_error({**ANSWERS, "organization": "-"})


def test_defaults_filters(env: Environment) -> None:
    assert render(env, "{{ 'My App' | slugify }}") == "my-app"
    assert render(env, "{{ 'Acme' | default_registry }}") == "ghcr.io/acme"
    source = "{{ services | first_service_of('frontend') }}"
    assert render(env, source, services=ANSWERS["services"]) == "web"
    assert render(env, source, services="not a list") == ""
    assert render(env, "{{ {'b': 1, 'a': 2} | to_json }}") == '{"a": 2, "b": 1}'


def test_context_gets_the_sign_in_settings_of_its_kind(env: Environment) -> None:
    source = "{% for s in oidc.for_kind(template_kind) %}{{ s.name }}={{ s.default }} {% endfor %}"
    backend = render(env, source, template_kind="backend", service_name="", **ANSWERS)
    frontend = render(env, source, template_kind="frontend", service_name="", **ANSWERS)
    assert backend.split() == ["OIDC_ISSUER=", "OIDC_AUDIENCE=", "OIDC_ROLES_CLAIM=roles",
                               "OIDC_TENANT_CLAIM=tenant"]  # fmt: skip
    assert set(frontend.split()) - set(backend.split()) == {
        "OIDC_CLIENT_ID=", "OIDC_CLIENT_SECRET=", "AUTH_SECRET="
    }  # fmt: skip
    assert render(env, "{{ suite.auth }}", template_kind="meta", **ANSWERS) == "oidc"
