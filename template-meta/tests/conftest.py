"""Fixtures of the workspace tool's tests: throwaway git repos with a known identity."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def git_identity(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Isolate git from the user's configuration; commits get a fixed identity."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for key, value in {
        "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.invalid",
        "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.invalid",
    }.items():  # fmt: skip
        monkeypatch.setenv(key, value)


def sh(cwd: Path, *args: str) -> str:
    return subprocess.run(
        args, cwd=cwd, check=True, text=True, capture_output=True, stdin=subprocess.DEVNULL
    ).stdout


@pytest.fixture
def make_repo(tmp_path: Path) -> Callable[..., Path]:
    """A git repo on branch main holding the given files, committed."""

    def _make(name: str = "repo", files: dict[str, str] | None = None) -> Path:
        repo = tmp_path / name
        repo.mkdir(parents=True)
        sh(repo, "git", "init", "-q", "-b", "main")
        for relative, text in (files or {"README.md": "hello\n"}).items():
            (repo / relative).parent.mkdir(parents=True, exist_ok=True)
            (repo / relative).write_text(text)
        sh(repo, "git", "add", "-A")
        sh(repo, "git", "commit", "-q", "-m", "first")
        return repo

    return _make
