"""The releases of the templates: versions, the commits they were made from, their notes.

Copier only knows versions as git tags, and tags do not travel with every clone. The suite
records each release in `releases.yml` (version and commit) and its notes in `CHANGELOG.md`
(one `## <version>` section each). The tool reads both from one bare copy of the template
source, made once per run, where it rebuilds any missing tag; Copier is pointed at that copy.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from packaging.version import InvalidVersion, Version

from workspace import gitrepo
from workspace.manifest import WorkspaceError

RELEASES_FILE = "releases.yml"
CHANGELOG_FILE = "CHANGELOG.md"
SHORTHANDS = {"gh:": "https://github.com/", "gl:": "https://gitlab.com/"}


def git_url(source: str) -> str:
    """The URL git clones for a Copier template source (Copier's `gh:`/`gl:` shorthands)."""
    for short, long in SHORTHANDS.items():
        if source.startswith(short):
            url = long + source[len(short) :]
            return url if url.endswith(".git") else f"{url}.git"
    return source.removeprefix("git+")


def recorded_releases(text: str) -> dict[str, str]:
    """{version: commit} from the text of a releases file."""
    loaded = yaml.safe_load(text) or []
    if not isinstance(loaded, list):
        raise WorkspaceError(f"{RELEASES_FILE} must hold a list of {{version, commit}}")
    return {str(entry["version"]): str(entry["commit"]) for entry in loaded}


def rebuild_tags(repo: Path, ref: str = "HEAD") -> list[str]:
    """Tag every release `releases.yml` (at `ref`) records and `repo` lacks; the tags made."""
    text = gitrepo.git(repo, "show", f"{ref}:{RELEASES_FILE}", check=False)
    present = set(gitrepo.git(repo, "tag", "--list").split())
    made = []
    for version, commit in recorded_releases(text).items():
        if version in present:
            continue
        found = gitrepo.git(repo, "rev-parse", "--verify", "--quiet", f"{commit}^{{commit}}",
                            check=False)  # fmt: skip
        if not found.strip():
            continue  # a history without that commit (a shallow or squashed copy)
        gitrepo.git(repo, "tag", version, commit)
        made.append(version)
    return made


DESCRIBED = re.compile(r"^(?P<tag>.+)-(?P<commits>\d+)-g[0-9a-f]+$")


def parse_version(text: str) -> Version | None:
    """A PEP 440 version; `git describe` output (`1.0.0-3-gabc1234`, what Copier records for
    a commit after a tag) sorts after its tag and before the next release."""
    described = DESCRIBED.match(text)
    if described:
        text = f"{described['tag']}.post{described['commits']}.dev0"
    try:
        return Version(text)
    except InvalidVersion:
        return None


def sorted_versions(tags: list[str]) -> list[str]:
    """The PEP 440 tags, oldest first; pre-releases left out, as Copier does."""
    parsed = [(v, tag) for tag in tags if (v := parse_version(tag)) and not v.is_prerelease]
    return [tag for _, tag in sorted(parsed)]


def crossed(versions: list[str], current: str, target: str) -> list[str]:
    """The versions an update from `current` to `target` brings, oldest first."""
    low, high = parse_version(current), parse_version(target)
    if high is None:
        return []
    return [v for v in versions if (low is None or Version(v) > low) and Version(v) <= high]


SECTION = re.compile(r"^## +(\S+)[^\n]*\n(.*?)(?=^## |\Z)", re.MULTILINE | re.DOTALL)


def changelog_notes(text: str) -> dict[str, str]:
    """{version: its section's text} from a changelog with one `## <version>` per release."""
    return {match[1]: match[2].strip() for match in SECTION.finditer(text)}


@dataclass(frozen=True)
class Template:
    """The template source, copied once for this run, with every release tagged."""

    source: str
    path: Path
    versions: list[str]
    notes: dict[str, str] = field(default_factory=dict)

    @property
    def latest(self) -> str | None:
        return self.versions[-1] if self.versions else None

    def git_env(self) -> dict[str, str]:
        """Makes every git that clones the source (Copier's) clone this copy instead."""
        return {
            "GIT_CONFIG_COUNT": "1",
            "GIT_CONFIG_KEY_0": f"url.{self.path}.insteadOf",
            "GIT_CONFIG_VALUE_0": git_url(self.source),
        }

    def release_notes(self, current: str, target: str) -> dict[str, str]:
        return {v: self.notes.get(v, "") for v in crossed(self.versions, current, target)}


@contextmanager
def open_template(source: str, workdir: Path | None = None) -> Iterator[Template]:
    """A bare copy of the template source with its releases tagged, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="polystack-template.", dir=workdir) as tmp:
        path = Path(tmp) / "template.git"
        try:  # a local source's objects borrowed (`--shared`), not linked one by one
            gitrepo.git(Path(tmp), "clone", "--quiet", "--bare", "--shared", "--template=",
                        git_url(source), str(path))  # fmt: skip
        except WorkspaceError as error:
            raise WorkspaceError(
                f"cannot read the template source {source!r} recorded in .copier-answers.yml "
                f"(_src_path): {error}"
            ) from None
        rebuild_tags(path)
        versions = sorted_versions(gitrepo.git(path, "tag", "--list").split())
        newest = versions[-1] if versions else "HEAD"
        changelog = gitrepo.git(path, "show", f"{newest}:{CHANGELOG_FILE}", check=False)
        yield Template(source, path, versions, changelog_notes(changelog))


def check_out(source: Path, ref: str, folder: Path) -> Path:
    """`ref` checked out as Copier's clone does, its objects left in `source` (the run's
    copy of the template source, removed with it): nothing to copy, little to remove."""
    gitrepo.git(folder, "clone", "--quiet", "--shared", "--no-checkout", "--template=",
                str(source), ".")  # fmt: skip
    # Resolved first: a ref from an answers file is never read as an option.
    commit = gitrepo.git(folder, "rev-parse", "--verify", "--end-of-options", f"{ref}^{{commit}}")
    gitrepo.git(folder, "-c", "core.fsmonitor=false", "checkout", "--quiet", "--force",
                commit.strip())  # fmt: skip
    return folder
