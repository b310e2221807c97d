"""Tier 1: what the extension does with the template source and with answers given as text."""

from __future__ import annotations

from pathlib import Path

import pytest
from jinja2 import Environment

import polystack

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("source", "recorded"),
    [
        ("./polystack", "/work/polystack"),
        ("polystack", "/work/polystack"),
        ("../templates/polystack/", "/templates/polystack"),
        ("/srv/polystack", "/srv/polystack"),
        ("~/polystack", "~/polystack"),
        ("gh:acme/polystack", "gh:acme/polystack"),
        ("https://github.com/acme/polystack.git", "https://github.com/acme/polystack.git"),
        ("git+file:///srv/polystack", "git+file:///srv/polystack"),
        ("git@github.com:acme/polystack.git", "git@github.com:acme/polystack.git"),
    ],
)
def test_relative_sources_are_recorded_absolute(source: str, recorded: str) -> None:
    assert polystack.absolute_source(source, "/work") == recorded


def test_the_recorded_source_defaults_to_the_folder_copier_runs_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    answers = {"_commit": "1.0.0", "_src_path": "./polystack", "project_slug": "x"}
    recorded = polystack.with_absolute_source(answers)
    assert recorded == {**answers, "_src_path": str(tmp_path / "polystack")}
    assert list(recorded) == list(answers), "Copier's order is kept"
    assert polystack.with_absolute_source({"project_slug": "x"}) == {"project_slug": "x"}


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        ({}, "yaml"),
        ({"services": [{"name": "api", "kind": "backend"}]}, "yaml"),
        ({"services": "[{name: api, kind: backend}]"}, "yaml"),
        ({"services": "[{name: api, kind: backend"}, "str"),
        ({"services": "- a\nb: c"}, "str"),
    ],
)
def test_services_is_yaml_unless_text_that_does_not_parse(
    data: dict[str, object], kind: str
) -> None:
    assert polystack.services_type(data) == kind


def test_the_filters_the_questions_use() -> None:
    env = Environment(extensions=[polystack.PolystackExtension])

    def render(source: str, **context: object) -> str:
        return env.from_string(source).render(_copier_conf={}, **context)

    assert render("{{ {'services': '[oops'} | services_type }}") == "str"
    assert render("{{ 'Café Münster' | slugify }}") == "cafe-munster"
    slug_error = "{{ slug | project_slug_error(name) }}"
    assert render(slug_error, slug="cafe", name="Café") == ""
    assert "no Latin letter" in render(slug_error, slug="", name="東京")
    assert "DNS-1123" in render(slug_error, slug="A B", name="A B")
    assert "/here/x" in render("{{ a | with_absolute_source }}", a={"_src_path": "/here/x"})
    assert "line 1, column 6" in render("{{ '[oops' | services_error }}")
