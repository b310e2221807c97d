"""Tier 2, property based: any printable project name, and names YAML would retype, render
into files that read back exactly what was answered.

Each kind is rendered once with neutral answers (distinct tokens such as `zqa`) and then
with drawn answers. Every parsed file (YAML, TOML, JSON, Python's syntax tree, Markdown's
rendered text) of the drawn render must equal the neutral one with the tokens replaced by
the drawn answers: a quote, a `yes` or a triple quote that changed a type, a structure or a
line of code would differ. Kustomize builds each overlay into the namespace the slug names.
"""

from __future__ import annotations

import ast
import html
import json
import re
import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from helpers import render, run, tool

pytestmark = [pytest.mark.render, pytest.mark.xdist_group("answer-escaping")]

# Words YAML 1.1 or 1.2 types as booleans or nulls that are valid names; numbers and dates
# that are valid organizations, domains, registries and refs.
RETYPED_NAMES = ["yes", "no", "on", "off", "y", "n"]
RETYPED_SLUGS = [*RETYPED_NAMES, "null", "true"]
NEUTRAL = {
    "project_name": "Zqname",
    "project_slug": "zqslug",
    "organization": "zqorg",
    "domain": "zqdomain",
    "registry": "zqregistry",
    "backend": "zqa",
    "frontend": "zqb",
    "ref": "zqref",
}

project_names = st.text(
    st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=30
).filter(lambda name: name.strip() and "zq" not in name.lower())


@st.composite
def answer_sets(draw: st.DrawFn) -> dict[str, str]:
    backend, frontend = draw(st.lists(st.sampled_from(RETYPED_NAMES), min_size=2, max_size=2,
                                      unique=True))  # fmt: skip
    return {
        "project_name": draw(project_names),
        "project_slug": draw(st.sampled_from(RETYPED_SLUGS)),
        "organization": draw(st.sampled_from(["on", "No", "123", "0x1F", "1e3"])),
        "domain": draw(st.sampled_from(["null", "1.5", "2024-01-31", "yes"])),
        "registry": draw(st.sampled_from(["1.5", "yes", "0o17"])),
        "backend": backend,
        "frontend": frontend,
        "ref": draw(st.sampled_from(["yes", "1.0", "2024-01-31", "0x1F", "off"])),
    }


def copier_answers(values: dict[str, str], kind: str) -> dict[str, Any]:
    services = [
        {"name": values["backend"], "kind": "backend", "ref": values["ref"]},
        {"name": values["frontend"], "kind": "frontend", "route": "/"},
    ]
    answers: dict[str, Any] = {
        "template_kind": kind,
        **{
            key: values[key]
            for key in ("project_name", "project_slug", "organization", "domain", "registry")
        },
        "services": services,
    }
    if kind != "meta":
        answers["service_name"] = values[kind]
    return answers


def render_kind(template: Path, dest: Path, values: dict[str, str], kind: str) -> Path:
    out = render(template, dest, copier_answers(values, kind), skip_tasks=True)
    if kind == "meta":
        # What the scaffolding task puts under services/, so the platform's overlays build.
        for service in ("backend", "frontend"):
            name = values[service]
            render(template, out / "services" / name,
                   copier_answers(values, service), skip_tasks=True)  # fmt: skip
    return out


def substitution(values: dict[str, str]) -> Callable[[str], str]:
    """Replaces every neutral token (and its upper case, as env var prefixes use it) by the
    drawn answer, in one pass so a replacement is never replaced again."""
    pairs = {NEUTRAL[key]: values[key] for key in NEUTRAL}
    pairs |= {NEUTRAL[key].upper(): values[key].upper() for key in ("backend", "frontend")}
    pattern = re.compile("|".join(sorted(map(re.escape, pairs), key=len, reverse=True)))
    return lambda text: pattern.sub(lambda match: pairs[match.group()], text)


def replaced(value: Any, sub: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return sub(value)
    if isinstance(value, list):
        return [replaced(item, sub) for item in value]
    if isinstance(value, dict):
        return {replaced(key, sub): replaced(item, sub) for key, item in value.items()}
    return value


def embedded_yaml(value: Any) -> Any:
    """Kustomize patches are YAML inside a YAML string: compare them parsed too."""
    if isinstance(value, list):
        return [embedded_yaml(item) for item in value]
    if isinstance(value, dict):
        return {
            key: yaml.safe_load(item) if key == "patch" and isinstance(item, str)
            else embedded_yaml(item)
            for key, item in value.items()
        }  # fmt: skip
    return value


class _Rename(ast.NodeTransformer):
    def __init__(self, sub: Callable[[str], str]) -> None:
        self.sub = sub

    def generic_visit(self, node: ast.AST) -> ast.AST:
        for field, value in ast.iter_fields(node):
            if isinstance(value, str):
                setattr(node, field, self.sub(value))
            elif isinstance(value, list):
                setattr(node, field, [self.sub(v) if isinstance(v, str) else v for v in value])
        return super().generic_visit(node)


MARKDOWN = MarkdownIt("commonmark").enable("table").enable("strikethrough")


def markdown_text(text: str) -> str:
    """What a reader sees of a Markdown page: its text, without tags or link targets."""
    return html.unescape(re.sub(r"<[^>]+>", "", MARKDOWN.render(text)))


def parsed(path: Path, sub: Callable[[str], str] | None = None) -> Any:
    """The file as its format's reader sees it; with `sub`, the neutral tokens replaced."""
    try:
        text = path.read_text()
    except UnicodeDecodeError:
        return path.read_bytes()  # a binary file (the favicon) is copied as is
    if path.name == "pnpm-lock.yaml":
        return None  # copied as is (its base64 hashes could hold a neutral token)
    if path.suffix in {".yml", ".yaml"}:
        documents = list(yaml.safe_load_all(text))
        return replaced(embedded_yaml(documents), sub) if sub else embedded_yaml(documents)
    if path.suffix == ".toml" or path.name == "uv.lock":
        return replaced(tomllib.loads(text), sub) if sub else tomllib.loads(text)
    if path.suffix == ".json" and path.name != "tsconfig.json":
        return replaced(json.loads(text), sub) if sub else json.loads(text)
    if path.suffix == ".py":
        tree = ast.parse(text)
        return ast.dump(_Rename(sub).visit(tree) if sub else tree)
    if path.suffix == ".md":
        return sub(markdown_text(text)) if sub else markdown_text(text)
    return None


def files_of(tree: Path) -> dict[str, Path]:
    return {
        str(p.relative_to(tree)): p
        for p in sorted(tree.rglob("*"))
        if p.is_file() and ".git" not in p.parts
    }


def assert_reads_back(neutral: Path, drawn: Path, values: dict[str, str]) -> None:
    sub = substitution(values)
    expected_files = {sub(rel): path for rel, path in files_of(neutral).items()}
    drawn_files = files_of(drawn)
    assert sorted(drawn_files) == sorted(expected_files)
    for rel, path in drawn_files.items():
        expected = parsed(expected_files[rel], sub)
        if expected is not None:
            assert parsed(path) == expected, rel


def assert_overlays_build_into_the_namespace(root: Path, slug: str) -> None:
    overlays = root / ("deploy/k8s/overlays" if (root / "deploy").is_dir() else "k8s/overlays")
    for overlay, namespace in (("dev", f"{slug}-dev"), ("prod", slug)):
        built = run([tool("kubectl"), "kustomize", str(overlays / overlay)]).stdout
        documents = [d for d in yaml.safe_load_all(built) if d]
        namespaced = [d for d in documents if d["kind"] not in {"Namespace"}]
        assert namespaced and all(
            d["metadata"].get("namespace") == namespace for d in namespaced
        ), overlay


def assert_package_import_runs_no_answer(root: Path, values: dict[str, str]) -> None:
    """The package's `__init__` runs in a bare interpreter and does nothing but exist."""
    (package,) = (p for p in (root / "src").iterdir() if p.is_dir())
    probe = "import runpy, sys; runpy.run_path(sys.argv[1]); print('imported')"
    proc = subprocess.run([sys.executable, "-I", "-c", probe, str(package / "__init__.py")],
                          capture_output=True, text=True, timeout=60, check=False)  # fmt: skip
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "imported\n", "")
    docstring = ast.get_docstring(ast.parse((package / "__init__.py").read_text()), clean=False)
    assert docstring is not None and values["project_name"] in docstring


@pytest.fixture(scope="module")
def neutral_renders(template: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("neutral")
    return {kind: render_kind(template, base / kind, NEUTRAL, kind)
            for kind in ("meta", "backend", "frontend")}  # fmt: skip


PROPERTY = settings(
    max_examples=3,
    deadline=None,
    # Renders take seconds: report the failing example as drawn rather than shrink it.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.parametrize("kind", ["meta", "backend", "frontend"])
@PROPERTY
@given(values=answer_sets())
def test_answers_read_back_unchanged_from_every_file(
    template: Path,
    tmp_path_factory: pytest.TempPathFactory,
    neutral_renders: dict[str, Path],
    kind: str,
    values: dict[str, str],
) -> None:
    drawn = render_kind(template, tmp_path_factory.mktemp(kind) / kind, values, kind)
    assert_reads_back(neutral_renders[kind], drawn, values)
    assert_overlays_build_into_the_namespace(drawn, values["project_slug"])
    if kind == "backend":
        assert_package_import_runs_no_answer(drawn, values)
