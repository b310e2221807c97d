"""Version N+1 of the suite, made in a template clone with the changes releases typically
bring, and the edits a user typically makes to a generated repo."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from helpers import commit_all, git

NEW_JOB = """
  audit:
    name: Audit dependencies
    runs-on: ubuntu-latest
    permissions:
      contents: read
    steps:
      - run: echo "audit dependencies"
"""
TEMPLATE_LABEL = 'LABEL org.opencontainers.image.vendor="polystack"'
USER_LABEL = 'LABEL org.opencontainers.image.authors="platform-team@acme.test"'
SECURITY = "# Security\n\nReport vulnerabilities privately to the maintainers.\n"


@dataclass(frozen=True)
class Layout:
    """Where a kind keeps the files the release and the user touch."""

    ci: str
    build: str
    moved_from: str
    moved_to: str
    config: str
    config_line: tuple[str, str]
    deleted_by_user: str


LAYOUTS = {
    "backend": Layout(
        ci=".github/workflows/ci.yml",
        build="Dockerfile",
        moved_from="docs/deployment.md",
        moved_to="docs/operations/deployment.md",
        config="compose.yaml",
        config_line=("LOG_LEVEL: ${LOG_LEVEL:-INFO}", "LOG_LEVEL: ${LOG_LEVEL:-DEBUG}"),
        deleted_by_user=".github/workflows/release.yml",
    ),
    "frontend": Layout(
        ci=".github/workflows/ci.yml",
        build="Dockerfile",
        moved_from="docs/deployment.md",
        moved_to="docs/operations/deployment.md",
        config="compose.yaml",
        config_line=("LOG_LEVEL: ${LOG_LEVEL:-info}", "LOG_LEVEL: ${LOG_LEVEL:-debug}"),
        deleted_by_user=".github/workflows/release.yml",
    ),
}


def template_file(folder: Path, rendered: str) -> Path:
    """The template file that renders to `rendered` (it may end in `.jinja`)."""
    for candidate in (folder / rendered, folder / f"{rendered}.jinja"):
        if candidate.is_file():
            return candidate
    raise AssertionError(f"{folder.name} has no template for {rendered}")


def insert_after_last(path: Path, prefix: str, line: str) -> None:
    lines = path.read_text().splitlines(keepends=True)
    index = max(i for i, text in enumerate(lines) if text.startswith(prefix))
    lines.insert(index + 1, line + "\n")
    path.write_text("".join(lines))


def replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1, f"{path} should hold {old!r} once"
    path.write_text(text.replace(old, new))


def release_next(clone: Path, kinds: str | list[str], tag: str) -> None:
    """Version `tag` of the suite: for each kind, a CI step added, a Dockerfile line changed,
    a file added, a file removed, and a file moved with its migration."""
    config_path = clone / "copier.yml"
    config = yaml.safe_load(config_path.read_text())
    for kind in [kinds] if isinstance(kinds, str) else kinds:
        layout = LAYOUTS[kind]
        folder = clone / f"template-{kind}"
        ci = template_file(folder, layout.ci)
        ci.write_text(ci.read_text().rstrip("\n") + "\n" + NEW_JOB)
        insert_after_last(template_file(folder, layout.build), "FROM ", TEMPLATE_LABEL)
        (folder / "SECURITY.md").write_text(SECURITY)
        (folder / ".editorconfig").unlink()
        source = template_file(folder, layout.moved_from)
        suffix = source.name[len(Path(layout.moved_from).name) :]  # ".jinja" or ""
        target = folder / f"{layout.moved_to}{suffix}"
        target.parent.mkdir(parents=True, exist_ok=True)
        git(clone, "mv", str(source.relative_to(clone)), str(target.relative_to(clone)))
        migration = [layout.moved_from, layout.moved_to]
        config.setdefault("_migrations", []).append(
            {
                "version": tag,
                "command": [
                    "{{ _copier_python }}",
                    "{{ _copier_conf.src_path }}/extensions/migrate.py",
                    "move",
                    *migration,
                ],
                "when": f"{{{{ _stage == 'after' and template_kind == '{kind}' }}}}",
            }
        )
    config_path.write_text(yaml.safe_dump(config, sort_keys=False, width=200))
    commit_all(clone, f"release {tag}")
    git(clone, "tag", tag)


def edit_like_a_user(project: Path, kind: str) -> dict[str, str]:
    """Edits that do not overlap the release; returns {path: text that must survive}."""
    layout = LAYOUTS[kind]
    kept: dict[str, str] = {}
    readme = project / "README.md"
    note = "\n## Team notes\n\nOn call: the platform team.\n"
    readme.write_text(readme.read_text() + note)
    kept["README.md"] = note.strip()
    env = project / ".env.example"
    extra = "\n# Turns the team's experimental feature on.\nFEATURE_PREVIEW=false\n"
    env.write_text(env.read_text() + extra)
    kept[".env.example"] = "FEATURE_PREVIEW=false"
    moved = project / layout.moved_from
    addition = "\n## Our clusters\n\nStaging runs in eu-west.\n"
    moved.write_text(moved.read_text() + addition)
    kept[layout.moved_to] = addition.strip()
    replace_once(project / layout.config, *layout.config_line)
    kept[layout.config] = layout.config_line[1]
    (project / layout.deleted_by_user).unlink()
    return kept
