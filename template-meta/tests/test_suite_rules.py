"""New entries are judged one by one by the template's own rules: every rejection is kept."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from workspace import suite_rules
from workspace.manifest import WorkspaceError


class Rejection(ValueError):
    def __init__(self, *problems: str) -> None:
        super().__init__(problems[0])
        self.problems = problems


def build_suite(**answers: Any) -> SimpleNamespace:
    """Rules of the model's shape: names are unique, ports too; missing ports allocated."""
    seen: dict[int, str] = {}
    for entry in answers["services"]:
        if entry.get("port") in seen:
            raise Rejection(f"port {entry['port']} twice", "and a second line")
        if "port" in entry:
            seen[entry["port"]] = entry["name"]
    resolved = [{"port": 9000 + i, **e} for i, e in enumerate(answers["services"])]
    return SimpleNamespace(shared_answers=lambda: {**answers, "services": resolved})


def test_each_rejected_entry_is_named_and_the_others_are_resolved() -> None:
    model = SimpleNamespace(build_suite=build_suite)
    answers = {"project_slug": "x", "services": [{"name": "api", "port": 8000}]}
    entries = [{"name": "a", "port": 8000}, {"name": "b"}, {"name": "c", "port": 8000}]
    resolved, rejected = suite_rules.judge(model, answers, entries)  # type: ignore[arg-type]
    assert rejected == {
        "a": ["port 8000 twice", "and a second line"],
        "c": ["port 8000 twice", "and a second line"],
    }
    assert [s["name"] for s in resolved["services"]] == ["api", "b"]
    assert resolved["services"][1]["port"] == 9001


def test_the_model_is_the_template_s_own(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match=r"has no extensions/model\.py"):
        suite_rules.load_model(tmp_path)
    (tmp_path / "extensions").mkdir()
    (tmp_path / "extensions" / "model.py").write_text("RULES = 'template'\n")
    assert suite_rules.load_model(tmp_path).RULES == "template"
