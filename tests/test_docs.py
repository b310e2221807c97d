"""The user documentation builds with no warning, and every question is documented."""

import shlex
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


def test_the_readme_s_one_service_example_makes_that_service(
    template: Path, tmp_path: Path
) -> None:
    readme = (ROOT / "README.md").read_text()
    command = readme.split("# one service repo alone", 1)[1].split("\n", 1)[1]
    command = command.split("\n\n", 1)[0].replace("\\\n", " ")
    args = shlex.split(command)
    assert args[:2] == ["copier", "copy"] and args[-2:] == ["gh:acme/polystack", "billing"]
    run([tool("copier"), "copy", *args[2:-2], "--defaults", "--quiet", str(template),
         str(tmp_path / "billing")])  # fmt: skip
    recorded = yaml.safe_load((tmp_path / "billing" / ".copier-answers.yml").read_text())
    assert recorded["service_name"] == "billing"
    assert (tmp_path / "billing" / "src" / "billing").is_dir()
    assert "/billing" in (tmp_path / "billing" / "README.md").read_text()
