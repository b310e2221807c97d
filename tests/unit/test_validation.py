"""Tier 1: every problem of the answers is reported at once, one line each; slugs
transliterate; derived identifiers avoid reserved words and never clash."""

from __future__ import annotations

import keyword
import sys
from typing import Any

import pytest

import model
from model import ManifestError, build_suite, python_package, slugify

pytestmark = pytest.mark.unit

BASE = {"project_name": "Acme Platform", "project_slug": "acme", "organization": "acme"}
DEFAULT = [{"name": "api", "kind": "backend"}, {"name": "web", "kind": "frontend"}]


def problems(services: Any = None, **answers: Any) -> tuple[str, ...]:
    with pytest.raises(ManifestError) as caught:
        build_suite(**{**BASE, **answers}, services=DEFAULT if services is None else services)
    error = caught.value
    lines = str(error).splitlines()
    if len(error.problems) > 1:
        assert lines[0] == f"{len(error.problems)} problems, one per line:"
        assert lines[1:] == [f"- {problem}" for problem in error.problems]
    else:
        assert lines == list(error.problems)
    return error.problems


def test_every_problem_of_every_entry_is_reported_once() -> None:
    found = problems([
        {"name": "API", "kind": "backend"},
        {"name": "a", "kind": "database", "port": "8000", "colour": "red"},
        {"name": "b", "kind": "backend", "port": 9090},
        {"name": "c", "kind": "backend", "port": 8087},
        {"name": "d", "kind": "backend", "port": 8087, "route": "/dee"},
        {"name": "c", "kind": "frontend", "route": "/x y"},
        "billing",
    ])  # fmt: skip
    expected = [
        "services[0] name 'API' is not a DNS-1123 label",
        "service 'a': kind input should be 'backend' or 'frontend'",
        "service 'a': port input should be a valid integer",
        "service 'a': colour extra inputs are not permitted (got 'red')",
        "service 'b' uses port 9090, which Prometheus uses",
        "services 'c' and 'd' both use port 8087",
        "services[3] and services[5] are both named 'c'",
        "service 'c' has route '/x y'",
        "services[6] is not a mapping",
    ]
    for start in expected:
        assert sum(p.startswith(start) for p in found) == 1, (start, found)
    assert len(found) == len(expected), found
    assert all("\n" not in p and ": " in p for p in found)


def test_project_answers_and_manifest_problems_come_together() -> None:
    found = problems(
        [{"name": "a", "kind": "backend", "port": 80}],
        project_slug="Not A Slug", organization="-acme", domain="https://x", python_version="2",
    )  # fmt: skip
    assert [p.split(" ")[0] for p in found] == [
        "project_slug", "organization", "domain", "python_version", "service",
    ]  # fmt: skip


def test_a_bad_organization_is_not_reported_again_as_its_default_registry() -> None:
    assert len(problems(organization="acme inc")) == 1
    assert len(problems(organization="acme inc", registry="Bad/")) == 2


def test_a_missing_key_says_so_without_echoing_the_entry() -> None:
    (only,) = problems([{"kind": "backend"}])
    assert only == "services[0]: name is missing: give a lowercase name such as 'api'"


def test_no_backend_is_not_claimed_when_a_broken_entry_is_a_backend() -> None:
    found = problems(
        [{"name": "api", "kind": "backend", "port": "x"}, {"name": "web", "kind": "frontend"}]
    )
    assert not any("no backend" in p for p in found)
    assert any("no backend" in p for p in problems([{"name": "web", "kind": "frontend"}]))


def test_several_services_at_root_are_one_problem() -> None:
    found = problems([{"name": n, "kind": "frontend", "route": "/"} for n in "abc"]
                     + [{"name": "api", "kind": "backend"}])  # fmt: skip
    assert found == (
        "services 'a', 'b', 'c' all use route '/': only one frontend may own '/'; "
        "give the others a prefix such as '/admin'",
    )


# ---- YAML given as text ----------------------------------------------------------------


def test_invalid_yaml_names_line_and_column() -> None:
    with pytest.raises(ManifestError) as caught:
        model.load_services("- {name: api, kind: backend}\n- {name: web kind: frontend\n")
    message = str(caught.value)
    assert message.startswith("services is not valid YAML at line 2, column ")
    assert "write a YAML list of mappings, e.g. [{name: api" in message
    assert "\n" not in message


def test_text_answers_are_parsed_and_checked() -> None:
    suite = build_suite(**BASE, services="[{name: api, kind: backend}]")
    assert [s.name for s in suite.services] == ["api"]
    (only,) = problems("[{name: api, kind: backend")
    assert "line 1, column 27" in only
    assert "non-empty YAML list" in problems("api")[0]


# ---- slugs -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "slug"),
    [("Café Münster", "cafe-munster"), ("Straße & Søn", "strasse-son"), ("Łódź Ærø", "lodz-aero"),
     ("ﬁnance Ⅻ", "finance-xii"), ("Crème brûlée 2", "creme-brulee-2"),
     ("İstanbul \u0131l\u0131k", "istanbul-ilik"), ("東京 Platform", "platform")],
)  # fmt: skip
def test_accents_transliterate(name: str, slug: str) -> None:
    assert slugify(name) == slug
    build_suite(**{**BASE, "project_name": name, "project_slug": slug}, services=DEFAULT)


@pytest.mark.parametrize("name", ["東京", "Ελλάδα", "42", "---", "Москва"])
def test_a_name_without_latin_letters_asks_for_an_explicit_slug(name: str) -> None:
    assert slugify(name) == ""
    (only,) = problems(project_name=name, project_slug=slugify(name))
    assert only == (
        f"project_name {name!r} has no Latin letter to derive project_slug from: give "
        "project_slug yourself, e.g. -d project_slug=my-platform"
    )
    build_suite(**{**BASE, "project_name": name}, services=DEFAULT)  # an explicit slug is fine


def test_kubernetes_system_namespaces_are_not_slugs() -> None:
    (only,) = problems(project_slug="kube-system")
    assert "'kube-system' starts with 'kube-'" in only and "'system'" in only


def test_a_bad_slug_suggests_a_transliterated_one() -> None:
    assert "e.g. 'cafe-munster'" in problems(project_slug="Café Münster")[0]
    assert "e.g." not in problems(project_slug="東京")[0]


# ---- identifiers -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "package"),
    [("billing", "billing"), ("order-svc", "order_svc"), ("class", "class_service"),
     ("async", "async_service"), ("match", "match"), ("type", "type"), ("case", "case"),
     ("email", "email_service"), ("py-compile", "py_compile_service"),
     ("cgi", "cgi_service"), ("click", "click_service"), ("jwt", "jwt_service"),
     ("tests", "tests_service")],
)  # fmt: skip
def test_python_packages_avoid_keywords_and_shadowing(name: str, package: str) -> None:
    assert python_package(name) == package
    compile(f"from {package}.core import config\nimport {package}\n", "<check>", "exec")


def test_the_reserved_words_cover_this_python() -> None:
    """Frozen, so every Copier derives the same package; this Python adds nothing new."""
    lowercase = {word for word in keyword.kwlist if word.islower()}
    stdlib = {name for name in sys.stdlib_module_names if not name.startswith("_")}
    assert lowercase | stdlib <= model.TAKEN_PACKAGES
    # Soft keywords are names wherever a package name goes: they need no suffix.
    assert not set(keyword.softkwlist) & model.TAKEN_PACKAGES


@pytest.mark.parametrize(
    ("services", "clash"),
    [
        ([{"name": "email", "kind": "backend"}, {"name": "email-service", "kind": "backend"}],
         "services 'email' and 'email-service' both derive the Python package 'email_service'"),
        ([{"name": "class-service", "kind": "backend"}, {"name": "class", "kind": "backend"}],
         "services 'class-service' and 'class' both derive the Python package 'class_service'"),
        ([{"name": "api", "kind": "backend"}, {"name": "api-migrate", "kind": "frontend"}],
         "services 'api' and 'api-migrate' both derive the Swarm service 'api-migrate'"),
    ],
)  # fmt: skip
def test_two_services_never_derive_the_same_identifier(
    services: list[dict[str, Any]], clash: str
) -> None:
    assert problems(services) == (f"{clash}: rename one of them",)


def test_a_frontend_has_no_migrate_job_to_clash_with() -> None:
    built = build_suite(**BASE, services=[*DEFAULT, {"name": "web-migrate", "kind": "frontend",
                                                     "route": "/m"}])  # fmt: skip
    assert built.service("api").migrate_job == "api-migrate"


def test_a_duplicate_name_is_one_problem_not_three() -> None:
    assert len(problems([{"name": "a", "kind": "backend"}, {"name": "a", "kind": "backend"}])) == 1


def test_an_empty_slug_of_a_latin_name_is_simply_missing() -> None:
    assert problems(project_slug="") == (
        "project_slug is missing: give a lowercase name such as 'api'",
    )
