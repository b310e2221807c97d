"""Tier 2: a service named like a Python keyword or a dependency renders a backend whose
Python compiles, under a package that shadows nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import render

pytestmark = pytest.mark.render


def test_a_keyword_service_renders_a_backend_that_compiles(template: Path, tmp_path: Path) -> None:
    services = [{"name": "class", "kind": "backend"}, {"name": "web", "kind": "frontend"}]
    answers = {"template_kind": "backend", "services": services}
    repo = render(template, tmp_path / "class", answers, skip_tasks=True)
    assert [p.name for p in (repo / "src").iterdir()] == ["class_service"]
    sources = sorted(repo.rglob("*.py"))
    assert len(sources) > 10
    for source in sources:
        compile(source.read_text(encoding="utf-8"), str(source), "exec")
    assert "PACKAGE := class_service" in (repo / "Makefile").read_text()
