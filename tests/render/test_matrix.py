"""Tier 2: every supported combination of `matrix.py` renders once, Jinja-free and parseable,
and its output passes the linters its own CI runs; every unsupported one is refused with
its message and writes nothing.

Each combination is rendered once per kind's group and the linters run over all renders of
a kind at once (one ruff, hadolint and actionlint call each); compose and kustomize read one
project at a time. A meta-repo's Kubernetes overlays include its services' bases: those are
rendered once per manifest, Kubernetes files only, where the scaffolding would put them.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import copier
import pytest
import yaml

import pins
from found_pins import Pin, image, pins_of
from helpers import IGNORED, ROOT, render, run, tool
from matrix import MANIFEST_PLACE, MANIFESTS, PLACES, SUPPORTED, UNSUPPORTED, Combination
from test_render import assert_clean_and_parseable, files_of

pytestmark = pytest.mark.render
KINDS = ("backend", "frontend", "meta")
GROUPS = {kind: pytest.mark.xdist_group(f"render-matrix-{kind}") for kind in KINDS}


@pytest.fixture(scope="module")
def plain_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The working tree without git: Copier renders it in place instead of cloning it."""
    dest = tmp_path_factory.mktemp("matrix-template") / "polystack"
    shutil.copytree(ROOT, dest, ignore=IGNORED)
    return dest


@pytest.fixture(scope="module")
def renders(
    plain_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Callable[[str], dict[str, Path]]:
    """Per kind, every supported combination rendered once (on first use)."""
    done: dict[str, dict[str, Path]] = {}
    base = tmp_path_factory.mktemp("matrix")

    def of_kind(kind: str) -> dict[str, Path]:
        if kind not in done:
            combos = [c for c in SUPPORTED if c.kind == kind]
            done[kind] = {}
            for index, combo in enumerate(combos, 1):
                print(f"render {index}/{len(combos)} {combo.id}", flush=True)
                out = render(plain_template, base / combo.id, combo.data(), skip_tasks=True)
                if kind == "meta":
                    with_service_bases(plain_template, base, combo, out)
                done[kind][combo.id] = out
        return done[kind]

    return of_kind


def with_service_bases(template: Path, base: Path, combo: Combination, meta: Path) -> None:
    """Links each service's Kubernetes folder, rendered once per manifest, under services/."""
    for entry in MANIFESTS[combo.manifest]:
        name = entry["name"]
        k8s = base / f"services-{combo.manifest}" / name
        if not k8s.exists():
            data = {**combo.data(), "template_kind": entry["kind"], "service_name": name}
            data.pop("python_version", None), data.pop("node_version", None)
            copier.run_copy(
                str(template), k8s, data=data, defaults=True, unsafe=True, quiet=True,
                skip_tasks=True, exclude=["*", "!k8s", "!k8s/**"],
            )  # fmt: skip
        (meta / "services" / name).mkdir(parents=True)
        (meta / "services" / name / "k8s").symlink_to(k8s / "k8s")


def distinct(roots: list[Path], *patterns: str) -> list[Path]:
    """The renders whose files matching `patterns` differ: a tool reads identical input once
    (e.g. the Python version changes no Kubernetes manifest)."""
    seen: dict[str, Path] = {}
    for root in roots:
        digest = hashlib.sha256()
        for pattern in patterns:
            for path in sorted(root.glob(pattern)):
                if path.is_file():
                    digest.update(str(path.relative_to(root)).encode() + b"\0")
                    digest.update(path.read_bytes())
        seen.setdefault(digest.hexdigest(), root)
    return list(seen.values())


def by_kind(kind: str) -> list[Any]:
    return [pytest.param(c.id, marks=GROUPS[kind], id=c.id) for c in SUPPORTED if c.kind == kind]


ALL = [p for kind in KINDS for p in by_kind(kind)]
KIND_OF = {c.id: c.kind for c in SUPPORTED}


def test_the_matrix_covers_every_offered_choice() -> None:
    assert len(SUPPORTED) >= 50
    assert len({c.id for c in SUPPORTED}) == len(SUPPORTED)
    data = [c.data() for c in SUPPORTED]
    assert {d.get("python_version", "3.12") for d in data if d["template_kind"] == "backend"} == {
        "3.11", "3.12", "3.13",
    }  # fmt: skip
    assert {d.get("node_version", "22") for d in data if d["template_kind"] == "frontend"} == {
        "20", "22", "24",
    }  # fmt: skip
    for kind in ("backend", "frontend", "meta"):
        auths = {d.get("auth", "none") for d in data if d["template_kind"] == kind}
        assert auths == {"none", "oidc"}, kind
    assert {len(d["services"]) for d in data if "services" in d} == {1, 3, 12}
    assert {MANIFEST_PLACE[c.manifest] for c in SUPPORTED} == set(PLACES)


@pytest.mark.parametrize("combo_id", ALL)
def test_renders_clean_and_parseable(
    renders: Callable[[str], dict[str, Path]], combo_id: str
) -> None:
    out = renders(KIND_OF[combo_id])[combo_id]
    rendered = [p for p in files_of(out) if "services" not in p.relative_to(out).parts[:1]]
    assert_clean_and_parseable(out, rendered)


@pytest.mark.parametrize("kind", [pytest.param(k, marks=GROUPS[k]) for k in ("backend", "meta")])
def test_python_passes_ruff_as_each_repo_configures_it(
    renders: Callable[[str], dict[str, Path]], kind: str
) -> None:
    # ruff reads each file's nearest pyproject.toml: one call checks every render as its own.
    roots = [str(path) for path in renders(kind).values()]
    run([tool("ruff"), "check", "--no-cache", *roots])
    run([tool("ruff"), "format", "--check", "--no-cache", *roots])


@pytest.mark.parametrize(
    "kind", [pytest.param(k, marks=GROUPS[k]) for k in ("backend", "frontend")]
)
def test_dockerfiles_pass_hadolint(renders: Callable[[str], dict[str, Path]], kind: str) -> None:
    run([tool("hadolint"), *(str(path / "Dockerfile") for path in renders(kind).values())])


@pytest.mark.parametrize("kind", [pytest.param(k, marks=GROUPS[k]) for k in KINDS])
def test_workflows_pass_actionlint(renders: Callable[[str], dict[str, Path]], kind: str) -> None:
    workflows = [str(p) for root in renders(kind).values()
                 for p in sorted((root / ".github" / "workflows").glob("*.yml"))]  # fmt: skip
    assert workflows
    run([tool("actionlint"), "-no-color", *workflows])


@pytest.mark.parametrize("kind", [pytest.param(k, marks=GROUPS[k]) for k in KINDS])
def test_compose_config_is_valid(renders: Callable[[str], dict[str, Path]], kind: str) -> None:
    for root in distinct(list(renders(kind).values()), "compose.yaml", ".env.example"):
        if kind == "meta":
            shutil.copyfile(root / ".env.example", root / ".env")
        run([tool("docker-compose"), "-f", "compose.yaml", "config", "-q"], cwd=root)


@pytest.mark.parametrize("kind", [pytest.param(k, marks=GROUPS[k]) for k in KINDS])
def test_kustomize_builds_every_overlay_into_the_slug_s_namespace(
    renders: Callable[[str], dict[str, Path]], kind: str
) -> None:
    manifests = ("k8s/**/*", "deploy/k8s/**/*", "services/*/k8s/**/*")
    for root in distinct(list(renders(kind).values()), *manifests):
        slug = yaml.safe_load((root / ".copier-answers.yml").read_text())["project_slug"]
        overlays = root / ("deploy/k8s/overlays" if kind == "meta" else "k8s/overlays")
        for overlay, namespace in (("dev", f"{slug}-dev"), ("prod", slug)):
            built = run([tool("kubectl"), "kustomize", str(overlays / overlay)]).stdout
            documents = [d for d in yaml.safe_load_all(built) if d and d["kind"] != "Namespace"]
            assert documents
            assert {d["metadata"].get("namespace") for d in documents} == {namespace}, root


def table_pins(answers: dict[str, Any]) -> set[Pin]:
    """Every pin the table allows, with a render's Python and Node versions."""
    table = pins.load(answers.get("python_version", "3.12"), answers.get("node_version", "22"))
    allowed = {("runner", "runs-on", table.runner), ("act", "act_image", table.act_image)}
    allowed |= {("action", name, table.uses(name).partition("@")[2]) for name in table.actions}
    allowed |= {pin for reference in table.images.values() if (pin := image(reference))}
    return allowed | {("tool", name, version) for name, version in table.tools.items()}


@pytest.mark.parametrize("kind", [pytest.param(k, marks=GROUPS[k]) for k in KINDS])
def test_every_pin_is_the_table_s(renders: Callable[[str], dict[str, Path]], kind: str) -> None:
    # A pin the table lacks, or holds at another version, names its files; the same action,
    # image or tool pinned two ways in one repo therefore fails too.
    for combo_id, root in renders(kind).items():
        allowed = table_pins(yaml.safe_load((root / ".copier-answers.yml").read_text()))
        known = {(what, name) for what, name, _ in allowed}
        found = pins_of(root)
        assert {what for what, _, _ in found} >= {"action", "runner", "image"}, combo_id
        missing = {pin: files for pin, files in found.items() if pin[:2] not in known}
        assert not missing, f"{combo_id}: pinned outside extensions/pins.toml: {missing}"
        drifted = {pin: files for pin, files in found.items() if pin not in allowed}
        assert not drifted, f"{combo_id}: pinned unlike extensions/pins.toml: {drifted}"


@pytest.mark.parametrize(("data", "message"), [pytest.param(d, m, id=i) for i, d, m in UNSUPPORTED])
def test_unsupported_combination_is_refused_with_its_message(
    plain_template: Path, tmp_path: Path, data: dict[str, Any], message: str
) -> None:
    dest = tmp_path / "out"
    with pytest.raises(ValueError, match=re.escape(message)):
        render(plain_template, dest, {"template_kind": "meta", **data}, skip_tasks=True)
    assert not dest.exists()
