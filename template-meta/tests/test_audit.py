"""`audit`: what Copier settles silently comes back as a conflict, the user's version kept.

The three states are built by hand: `old` (the release the user started from), the repo's
HEAD (`before`) and its work tree after an update (`after`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
from conftest import sh
from workspace import audit

PNG = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(range(256))


def write(folder: Path, files: Mapping[str, bytes | str]) -> None:
    for relative, data in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode())


class Case:
    def __init__(self, tmp_path: Path, make_repo: Callable[..., Path],
                 old: dict[str, bytes | str], mine: dict[str, bytes | str]) -> None:  # fmt: skip
        self.old_dir = tmp_path / "old"
        write(self.old_dir, old)
        self.repo = make_repo("repo", {k: v for k, v in mine.items() if isinstance(v, str)})
        binary = {k: v for k, v in mine.items() if isinstance(v, bytes)}
        if binary:
            write(self.repo, binary)
            sh(self.repo, "git", "add", "-A")
            sh(self.repo, "git", "commit", "-qm", "binary")
        self.base = sh(self.repo, "git", "rev-parse", "HEAD").strip()
        self.old_tree = audit.tree_of(self.repo, self.old_dir)
        self.old = audit.entries(self.repo, self.old_tree)
        self.before = audit.entries(self.repo, self.base)
        self.put_back = audit.to_put_back(self.repo, self.old, self.before)
        for path, entry in self.put_back.items():
            audit.restore(self.repo, path, entry)

    def check(self) -> dict[str, str]:
        found = audit.check(self.repo, self.old, self.before, self.old_tree, self.base,
                            set(self.put_back))  # fmt: skip
        return {c.path: c.reason + c.diff for c in found}


@pytest.fixture
def case(tmp_path: Path, make_repo: Callable[..., Path]) -> Callable[..., Case]:
    return lambda old, mine: Case(tmp_path, make_repo, old, mine)


def test_an_edited_file_the_template_deletes_is_kept_and_reported(
    case: Callable[..., Case],
) -> None:
    c = case({"a.md": "template\n", "b.md": "b\n"}, {"a.md": "template\nmine\n", "b.md": "b\n"})
    (c.repo / "a.md").unlink()  # what Copier does: the template dropped both
    (c.repo / "b.md").unlink()
    found = c.check()
    assert list(found) == ["a.md"]
    assert "deletes or moves it" in found["a.md"]
    assert (c.repo / "a.md").read_text() == "template\nmine\n"
    assert not (c.repo / "b.md").exists()  # untouched: follows the template silently


def test_an_edited_file_a_migration_carried_is_not_a_conflict(case: Callable[..., Case]) -> None:
    c = case({"a.md": "template\n"}, {"a.md": "template\nmine\n"})
    (c.repo / "docs").mkdir()
    (c.repo / "a.md").rename(c.repo / "docs" / "a.md")
    assert c.check() == {}


def test_a_deleted_file_the_template_changes_shows_the_template_diff(
    case: Callable[..., Case],
) -> None:
    c = case({"ci.yml": "one\n", "keep.md": "k\n"}, {"keep.md": "k\n"})
    assert set(c.put_back) == {"ci.yml"}
    assert (c.repo / "ci.yml").read_text() == "one\n"  # put back for Copier to update
    (c.repo / "ci.yml").write_text("one\ntwo\n")  # the template's change
    found = c.check()
    assert "you deleted it" in found["ci.yml"]
    assert "+two" in found["ci.yml"]
    assert not (c.repo / "ci.yml").exists()


def test_a_deleted_file_the_template_leaves_alone_stays_deleted(case: Callable[..., Case]) -> None:
    c = case({"ci.yml": "one\n", "keep.md": "k\n"}, {"keep.md": "k\n"})
    assert c.check() == {}
    assert not (c.repo / "ci.yml").exists()


def test_a_renamed_file_the_template_changes_names_the_new_path(case: Callable[..., Case]) -> None:
    text = "".join(f"line {n}\n" for n in range(30))
    c = case({"Dockerfile": text}, {"Containerfile": text})
    (c.repo / "Dockerfile").write_text(text + "LABEL new\n")
    found = c.check()
    assert "you renamed it to Containerfile" in found["Dockerfile"]
    assert "+LABEL new" in found["Dockerfile"]
    assert (c.repo / "Containerfile").read_text() == text


def test_a_file_moved_to_another_folder_the_template_changes_names_where_it_went(
    case: Callable[..., Case],
) -> None:
    text = "".join(f"line {n}\n" for n in range(30))
    c = case({"Dockerfile": text, "docs/a.md": "a\n"},
             {"deploy/Dockerfile": text, "docs/a.md": "a\n"})  # fmt: skip
    (c.repo / "Dockerfile").write_text(text + "LABEL new\n")
    found = c.check()
    assert list(found) == ["Dockerfile"]
    assert "you moved it to deploy/Dockerfile; the template changes it" in found["Dockerfile"]
    assert "+LABEL new" in found["Dockerfile"]
    assert not (c.repo / "Dockerfile").exists()
    assert (c.repo / "deploy" / "Dockerfile").read_text() == text


def test_a_binary_file_both_changed_keeps_the_users(case: Callable[..., Case]) -> None:
    c = case({"logo.png": PNG, "r.md": "r\n"}, {"logo.png": PNG + b"mine", "r.md": "r\n"})
    assert set(c.put_back) == {"logo.png"}
    (c.repo / "logo.png").write_bytes(PNG + b"template")
    found = c.check()
    assert "binary" in found["logo.png"]
    assert (c.repo / "logo.png").read_bytes() == PNG + b"mine"


def test_a_binary_file_only_the_user_changed_stays_silently(case: Callable[..., Case]) -> None:
    c = case({"logo.png": PNG, "r.md": "r\n"}, {"logo.png": PNG + b"mine", "r.md": "r\n"})
    assert c.check() == {}
    assert (c.repo / "logo.png").read_bytes() == PNG + b"mine"


def test_permissions_the_user_set_are_kept_and_reported(case: Callable[..., Case]) -> None:
    c = case({"run.sh": "echo\n", "r.md": "r\n"}, {"run.sh": "echo\n", "r.md": "r\n"})
    (c.repo / "run.sh").chmod(0o755)
    sh(c.repo, "git", "commit", "-qam", "executable")
    c.base = sh(c.repo, "git", "rev-parse", "HEAD").strip()
    c.before = audit.entries(c.repo, c.base)
    (c.repo / "run.sh").chmod(0o644)  # the update lost the mode
    found = c.check()
    assert "permissions" in found["run.sh"]
    assert (c.repo / "run.sh").stat().st_mode & 0o111
