"""Adoption: the template's render is merged beside the code; no file of the code changes."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

from conftest import sh
from workspace import adopt


def test_classify_adds_free_paths_and_reports_clashes() -> None:
    mine = {"Dockerfile": "100644 blob a", "app/main.py": "100644 blob b", "k8s": "100644 blob c",
            ".editorconfig": "100644 blob same"}  # fmt: skip
    theirs = {
        "Dockerfile": "100644 blob t", "app": "100644 blob d", "k8s/base/x.yaml": "100644 blob e",
        ".editorconfig": "100644 blob same", "Makefile": "100644 blob f",
    }  # fmt: skip
    added, clashes, same = adopt.classify(mine, theirs)
    assert added == ["Makefile"]
    assert clashes == ["Dockerfile", "app", "k8s/base/x.yaml"]
    assert same == [".editorconfig"]


def test_adopt_merges_the_render_and_keeps_every_file(
    make_repo: Callable[..., Path], tmp_path: Path
) -> None:
    repo = make_repo("svc", {"Dockerfile": "FROM mine\n", "app/main.py": "app = 1\n"})
    rendered = tmp_path / "render"
    for relative, text in {
        "Dockerfile": "FROM template\n", "Makefile": "check:\n", "src/pkg/__init__.py": "",
        ".copier-answers.yml": "_commit: 1.0.0\n_src_path: /scratch/template\nkind: x\n",
    }.items():  # fmt: skip
        (rendered / relative).parent.mkdir(parents=True, exist_ok=True)
        (rendered / relative).write_text(text)
    (rendered / "run.sh").write_text("#!/bin/sh\n")
    (rendered / "run.sh").chmod(0o755)
    adopt.point_answers_at(rendered / ".copier-answers.yml", "gh:acme/polystack")
    tip = sh(repo, "git", "rev-parse", "HEAD").strip()

    adoption = adopt.adopt(repo, rendered, "rendered for svc", "backend template 1.0.0")

    assert adoption.clashes == ("Dockerfile",)
    assert set(adoption.added) == {
        "Makefile",
        "src/pkg/__init__.py",
        ".copier-answers.yml",
        "run.sh",
    }
    parents = sh(repo, "git", "log", "-1", "--format=%P").split()
    assert parents == [tip, adoption.template_commit]
    assert sh(repo, "git", "rev-list", "--count", adoption.template_commit).strip() == "1"
    assert (repo / "Dockerfile").read_text() == "FROM mine\n"
    assert (repo / "Makefile").read_text() == "check:\n"
    assert (repo / "run.sh").stat().st_mode & 0o111
    assert "_src_path: gh:acme/polystack\n" in (repo / ".copier-answers.yml").read_text()
    assert sh(repo, "git", "status", "--porcelain") == ""
    message = sh(repo, "git", "log", "-1", "--format=%B")
    assert message.startswith("chore: adopt the Polystack backend template 1.0.0")
    assert f"git diff {adoption.template_commit[:10]} -- Dockerfile" in message
    command = adoption.compare_command(str(repo), "Dockerfile").split()
    diff = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    assert "-FROM template" in diff
    assert "+FROM mine" in diff
