"""The user documentation builds with no warning, and every question is documented."""

from pathlib import Path

import pytest
import yaml

from helpers import ROOT, run, tool

pytestmark = pytest.mark.render


def test_docs_build_strict(tmp_path: Path) -> None:
    run([tool("mkdocs"), "build", "--strict", "--quiet", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT)  # fmt: skip
    assert (tmp_path / "site" / "questions" / "index.html").is_file()


def test_every_question_is_documented() -> None:
    questions = [k for k in yaml.safe_load((ROOT / "copier.yml").read_text()) if k[0] != "_"]
    readme = (ROOT / "README.md").read_text()
    reference = (ROOT / "docs" / "questions.md").read_text()
    for question in questions:
        assert f"`{question}`" in reference, question
        assert f"`{question}`" in readme, question
