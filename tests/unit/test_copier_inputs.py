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
    recorded = polystack.recorded_answers(answers)
    assert recorded == {**answers, "_src_path": str(tmp_path / "polystack")}
    assert list(recorded) == list(answers), "Copier's order is kept"
    assert polystack.recorded_answers({"project_slug": "x"}) == {"project_slug": "x"}


def test_a_manifest_typed_as_text_is_recorded_as_its_list() -> None:
    typed = {"services": "- {name: api, kind: backend}  # the API\n", "auth": "none"}
    recorded = polystack.recorded_answers(typed)
    assert recorded == {"services": [{"name": "api", "kind": "backend"}], "auth": "none"}
    listed = {"services": [{"name": "api", "kind": "backend"}]}
    assert polystack.recorded_answers(listed) == listed


@pytest.mark.parametrize(
    ("conf", "recorded", "kind"),
    [
        ({"data": {}}, None, "str"),  # typed at a copy's prompt
        ({"data": {}, "defaults": True}, None, "yaml"),
        ({"data": {}}, [{"name": "api", "kind": "backend"}], "yaml"),  # an update's last answer
        ({"data": {"services": [{"name": "api", "kind": "backend"}]}}, None, "yaml"),
        ({"data": {"services": "[{name: api, kind: backend}]"}}, None, "yaml"),
        ({"data": {"services": "[{name: api, kind: backend"}}, None, "str"),
        ({"data": {"services": "- a\nb: c"}, "defaults": True}, None, "str"),
    ],
)
def test_services_is_text_where_copier_would_parse_it_before_the_validator(
    conf: dict[str, object], recorded: object, kind: str
) -> None:
    assert polystack.services_type(conf, recorded) == kind


def test_several_problems_share_one_line_while_the_prompt_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    manifest = "- {name: Api, kind: backend}\n- {name: web, kind: nope}"
    assert polystack.services_error(manifest).startswith("2 problems, one per line:\n- ")
    monkeypatch.setattr(polystack, "get_app_or_none", lambda: object())
    message = polystack.services_error(manifest)
    assert "\n" not in message
    assert message.startswith("2 problems: (1) service 'web': kind input should be")
    assert "; (2) services[0] name 'Api' is not a DNS-1123 label" in message
    assert polystack.services_error("[{name: api, kind: backend}]") == ""


def test_a_typed_manifest_is_checked_for_control_characters_once_parsed() -> None:
    message = polystack.services_error('- {name: "a\\tb", kind: backend}')
    assert message.startswith("services[0].name 'a\\tb' contains U+0009 TAB")


def test_the_filters_the_questions_use() -> None:
    env = Environment(extensions=[polystack.PolystackExtension])

    def render(source: str, **context: object) -> str:
        return env.from_string(source).render(_copier_conf={}, **context)

    assert render("{{ {'data': {'services': '[oops'}} | services_type }}") == "str"
    assert render("{{ 'Café Münster' | slugify }}") == "cafe-munster"
    slug_error = "{{ slug | project_slug_error(name) }}"
    assert render(slug_error, slug="cafe", name="Café") == ""
    assert "no Latin letter" in render(slug_error, slug="", name="東京")
    assert "DNS-1123" in render(slug_error, slug="A B", name="A B")
    assert "/here/x" in render("{{ a | recorded_answers }}", a={"_src_path": "/here/x"})
    assert "line 1, column 6" in render("{{ '[oops' | services_error }}")


def test_a_consumer_is_checked_against_the_engines_answered_before_it() -> None:
    manifest = [{"name": "orders", "kind": "backend"},
                {"name": "billing", "kind": "backend", "consumes": ["orders"]}]  # fmt: skip
    assert "add nats to engines" in polystack.services_error(manifest, [])
    assert polystack.services_error(manifest, ["nats"]) == ""
    assert polystack.services_error(manifest) == ""  # a manifest checked alone
