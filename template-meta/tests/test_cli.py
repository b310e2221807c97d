"""The command line: status output and exit codes."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ROOT, sh
from workspace import cli, native_config

MANIFEST = """\
services:
  - {name: api, kind: backend, port: 8000, route: /api, repo: x, ref: main}
  - {name: web, kind: frontend, port: 3100, route: /, repo: y, ref: main}
"""


@pytest.fixture
def meta(make_repo: Callable[..., Path]) -> Path:
    root = make_repo(
        "meta",
        {
            "polystack.yml": MANIFEST,
            ".gitignore": "/services/\n",
            ".copier-answers.yml": f"_commit: 1.2.0\n{MANIFEST}",
        },
    )
    make_repo("meta/services/api", {".copier-answers.yml": "_commit: 1.1.0\n"})
    return root


def test_status_lists_every_repo(meta: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (meta / "services" / "api" / "new.txt").write_text("x\n")
    assert cli.main(["--root", str(meta), "status"]) == 0
    rows = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()[1:]}
    assert rows["."].split()[1:] == ["main", "clean", "no", "upstream", "1.2.0"]
    assert rows["api"].split()[1:] == ["main", "1", "files", "no", "upstream", "1.1.0"]
    assert "missing" in rows["web"]


def test_errors_exit_1_with_a_message(meta: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--root", str(meta), "update"]) == 1
    assert "make bootstrap" in capsys.readouterr().err


def test_update_check_exits_1_when_a_repo_is_behind(
    meta: Path, make_repo: Callable[..., Path]
) -> None:
    template = make_repo("template")
    sh(template, "git", "tag", "1.2.0")
    source = f"_src_path: {template}\n"
    for repo, version in ((meta, "1.2.0"), (meta / "services" / "api", "1.1.0")):
        (repo / ".copier-answers.yml").write_text(f"_commit: {version}\n{source}{MANIFEST}")
        sh(repo, "git", "commit", "-qam", "answers")
    web = make_repo("meta/services/web", {".copier-answers.yml": f"_commit: 1.2.0\n{source}"})
    assert cli.main(["--root", str(meta), "update", "--check"]) == 1
    assert web.is_dir()
    api = meta / "services" / "api"
    (api / ".copier-answers.yml").write_text(f"_commit: 1.2.0\n{source}{MANIFEST}")
    sh(api, "git", "commit", "-qam", "updated")
    (web / ".copier-answers.yml").write_text(f"_commit: 1.2.0\n{source}{MANIFEST}")
    sh(web, "git", "commit", "-qam", "updated")
    assert cli.main(["--root", str(meta), "update", "--check"]) == 0


def test_native_config_writes_the_static_config(
    meta: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for source in (native_config.TRAEFIK_STATIC, native_config.PROMETHEUS_DIR / "prometheus.yml"):
        (meta / source).parent.mkdir(parents=True, exist_ok=True)
        (meta / source).write_text((ROOT / source).read_text())
    monkeypatch.setenv("EDGE_PORT", "18080")
    monkeypatch.setenv("DASHBOARD_PORT", "18081")
    assert cli.main(["--root", str(meta), "native-config"]) == 0
    assert "127.0.0.1:18080" in (meta / ".native" / "traefik.yml").read_text()
    assert "127.0.0.1:8000" in (meta / ".native" / "prometheus.yml").read_text()
    assert capsys.readouterr().out.strip() == str(meta / ".native")


def test_the_scaffolding_runs_without_native_mode_s_tools(
    meta: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Copier runs `scaffold` in its own Python, where honcho is not installed."""
    for name in [m for m in sys.modules if m == "workspace" or m.startswith("workspace.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "honcho", None)  # importing it now fails
    fresh = importlib.import_module("workspace.cli")
    assert "workspace.native" not in sys.modules
    assert fresh.main(["--root", str(meta), "status"]) == 0
    assert "missing: run `make bootstrap`" in capsys.readouterr().out
