"""What to import: a map file's problems are all reported, each naming its entry."""

from __future__ import annotations

from pathlib import Path

import pytest
from workspace import import_spec
from workspace.import_spec import ImportProblems, ImportSpec


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("apps/billing", "apps/billing"), ("./apps/billing/", "apps/billing"), (".", "."),
        ("../elsewhere", None), ("/abs/path", None), ("apps/../..", None), ("", None),
    ],
)  # fmt: skip
def test_dirs_stay_inside_the_source(given: str, expected: str | None) -> None:
    assert import_spec.normalize_dir(given) == expected


def test_one_service_from_the_command_line() -> None:
    specs, problems = import_spec.from_args("billing", "backend", "apps/billing/", "/b", "8010")
    assert problems == []
    assert specs == [ImportSpec("billing", "backend", "apps/billing", "/b", 8010)]
    assert specs[0].entry() == {"name": "billing", "kind": "backend", "port": 8010, "route": "/b"}


def test_command_line_problems_come_together() -> None:
    specs, problems = import_spec.from_args(None, None, "../x", None, "80a")
    assert specs == []
    assert problems[0].startswith("NAME, KIND missing")
    assert "is not a folder inside the source" in problems[1]
    assert "PORT '80a' is not a number" in problems[2]


def test_a_map_reports_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "map.yml"
    path.write_text(
        "- {name: a, kind: backend, dir: apps/a}\n"
        "- {name: a, kind: backend, dir: apps/b}\n"
        "- {name: c, kind: backend}\n"
        "- {name: d, kind: backend, dir: /etc, colour: red}\n"
        "- just text\n"
        "- {name: e, kind: frontend, dir: web, route: /e, port: 3200}\n"
    )
    specs, problems = import_spec.from_map(path)
    assert [s.name for s in specs] == ["a", "e"]
    assert specs[1] == ImportSpec("e", "frontend", "web", "/e", 3200)
    assert len(problems) == 5
    assert "entry 2 (a): the name 'a' is also entry 1's" in problems[0]
    assert "entry 3 (c): dir missing" in problems[1]
    assert "entry 4 (d): unknown key(s) colour" in problems[2]
    assert "entry 4 (d): dir '/etc' is not a folder inside the source" in problems[3]
    assert "entry 5 is not a mapping" in problems[4]


@pytest.mark.parametrize(
    ("text", "message"),
    [("[unclosed", "is not valid YAML"), ("{a: 1}", "write a YAML list"), ("[]", "YAML list")],
)
def test_a_map_that_is_no_list(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "map.yml"
    path.write_text(text)
    assert message in import_spec.from_map(path)[1][0]
    assert "does not exist" in import_spec.from_map(tmp_path / "none.yml")[1][0]


def test_a_services_key_holds_the_list_too(tmp_path: Path) -> None:
    path = tmp_path / "map.yml"
    path.write_text("services:\n  - {name: a, kind: backend, dir: a}\n")
    assert import_spec.from_map(path) == ([ImportSpec("a", "backend", "a")], [])


def test_problems_read_as_a_list() -> None:
    error = ImportProblems(["one", "two"])
    assert str(error) == "nothing was imported, 2 problem(s):\n  - one\n  - two"
