"""Tier 1: what lets `make update` run Copier's update in its own process, rendering less."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from copier._main import Worker
from jinja2 import Environment

from workspace import copier_runs, copier_updater, copier_worker, releases

pytestmark = pytest.mark.unit

TEMPLATE_FILES = {
    "copier.yml": "_preserve_symlinks: true\nname:\n  type: str\n  default: demo\n",
    "{{ name }}.txt.jinja": "hello {{ name }}\n",
    "docs/guide.md.jinja": "# {{ name | upper }}\n",
    "scripts/run.sh": "#!/bin/sh\necho run\n",
}


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture
def template(tmp_path: Path) -> Path:
    """A template in git with a templated name, a folder, an executable file and a symlink."""
    folder = tmp_path / "template"
    for name, text in TEMPLATE_FILES.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    (folder / "scripts" / "run.sh").chmod(0o755)
    (folder / "run").symlink_to("scripts/run.sh")
    git(folder, "init", "-q", "-b", "main")
    git(folder, "add", "-A")
    git(folder, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "1.0.0")
    git(folder, "tag", "1.0.0")
    return folder


def tree(root: Path) -> dict[str, tuple[int, bytes]]:
    """Every path under `root`: its mode and its content (a link's target)."""
    found = {}
    for path in sorted(root.rglob("*")):
        info = path.lstat()
        content = os.readlink(path).encode() if path.is_symlink() else b""
        if path.is_file() and not path.is_symlink():
            content = path.read_bytes()
        found[str(path.relative_to(root))] = (info.st_mode, content)
    return found


def test_the_installed_copier_updates_in_process(tmp_path: Path) -> None:
    """Copier's internals are as `copier_updater` expects: the fast path is the tested one."""
    assert copier_updater.supported()
    (tmp_path / "source.git").mkdir()
    template = releases.Template("source", tmp_path / "source.git", ["1.0.0"])
    assert isinstance(copier_runs.copier_for(template, tmp_path), copier_updater.Updater)


def test_a_render_into_a_repo_is_kept_as_copier_renders_into_an_empty_folder(
    template: Path, tmp_path: Path
) -> None:
    updater = copier_updater.Updater(template, tmp_path)
    repo = tmp_path / "repo"
    (repo / "docs").mkdir(parents=True)
    (repo / "docs" / "guide.md").write_text("# the team's own guide\n")
    (repo / "notes.md").write_text("not the template's\n")
    (repo / "scripts").mkdir()
    (repo / "scripts" / "run.sh").write_text("#!/bin/sh\necho edited\n")
    with updater.worker(src_path=str(template), dst_path=repo, vcs_ref="1.0.0",
                        data={"name": "shop"}, defaults=True, unsafe=True, quiet=True,
                        overwrite=True) as worker:  # fmt: skip
        worker.run_copy()
    [kept] = updater.checkouts.renders.values()

    empty = tmp_path / "empty"
    data = {"name": "shop"}
    with Worker(src_path=str(template), dst_path=empty, vcs_ref="1.0.0", data=data,
                defaults=True, unsafe=True, quiet=True) as plain:  # fmt: skip
        plain.run_copy()

    assert tree(kept) == tree(empty)


def test_a_render_with_the_same_inputs_is_reused_not_rendered_again(
    template: Path, tmp_path: Path
) -> None:
    updater = copier_updater.Updater(template, tmp_path)
    first, second = tmp_path / "first", tmp_path / "second"
    result = updater.render_release(str(template), "1.0.0", {"name": "shop"}, first, "1.0.0")
    assert result.ok, result.output
    (first / "shop.txt").write_text("changed after the render\n")
    exclude = list(updater.checkouts.template(str(template), "1.0.0").exclude)
    with updater.worker(src_path=str(template), dst_path=second, vcs_ref="1.0.0",
                        data={"name": "shop"}, exclude=exclude, defaults=True, unsafe=True,
                        quiet=True) as worker:  # fmt: skip
        worker.run_copy()
    assert (second / "shop.txt").read_text() == "changed after the render\n"


def test_a_failed_step_is_a_failed_result_with_copiers_message(
    template: Path, tmp_path: Path
) -> None:
    updater = copier_updater.Updater(template, tmp_path)
    result = updater.render_release(str(template), "9.9.9", {}, tmp_path / "old", "1.0.0")
    assert not result.ok
    assert "9.9.9" in result.output


def test_a_source_two_versions_share_is_compiled_once_with_each_versions_file_name(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (template / "{{ name }}.txt.jinja").write_text("hello {{ name }}, version 2\n")
    git(template, "commit", "-q", "-am", "2.0.0")
    git(template, "tag", "2.0.0")
    compiled: list[tuple[str, str]] = []
    compile_source = Environment.compile

    def counted(self: Environment, source: Any, name: Any = None, filename: Any = None,
                *args: Any) -> Any:  # fmt: skip
        compiled.append((name, filename))
        return compile_source(self, source, name, filename, *args)

    monkeypatch.setattr(Environment, "compile", counted)
    updater = copier_updater.Updater(template, tmp_path)
    for version in ("1.0.0", "2.0.0"):
        (tmp_path / version).mkdir()
        result = updater.render_release(str(template), version, {"name": "shop"},
                                        tmp_path / version / "out", version)  # fmt: skip
        assert result.ok, result.output
    assert (tmp_path / "2.0.0" / "out" / "shop.txt").read_text() == "hello shop, version 2\n"
    names = [name for name, _ in compiled]
    assert names.count("docs/guide.md.jinja") == 1  # the same in both versions
    assert names.count("{{ name }}.txt.jinja") == 2  # changed in 2.0.0

    for version in ("1.0.0", "2.0.0"):
        checkout = updater.checkouts.template(str(template), version)
        environment = updater.checkouts.environment(checkout, lambda: pytest.fail("made anew"))
        code = environment.get_template("docs/guide.md.jinja").root_render_func.__code__
        assert code.co_filename == str(checkout.local_abspath / "docs" / "guide.md.jinja")


def test_extensions_that_differ_keep_compiled_sources_apart(tmp_path: Path) -> None:
    for version in ("one", "two"):
        (tmp_path / version / "extensions").mkdir(parents=True)
        (tmp_path / version / "extensions" / "ext.py").write_text(
            f"from jinja2.ext import Extension\n\nclass Ext(Extension):\n"
            f"    def __init__(self, environment):\n"
            f"        super().__init__(environment)  # {version}\n"
        )  # fmt: skip
    signatures = []
    for version in ("one", "two", "one"):
        scope: dict[str, Any] = {}
        source = tmp_path / version / "extensions" / "ext.py"
        exec(compile(source.read_text(), str(source), "exec"), scope)
        environment = Environment(extensions=[scope["Ext"]])
        signatures.append(copier_worker.compile_signature(environment, tmp_path / version))
    assert signatures[0] != signatures[1]
    assert signatures[0] == signatures[2]
