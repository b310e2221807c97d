"""Tier 1: what runs in Copier's own Python (the extension, the tasks and migrations, and the
meta-repo's scaffolding) imports only the standard library, Copier and Copier's dependencies
when it loads. Heavier tools (honcho, ...) are imported inside the commands that use them."""

from __future__ import annotations

import ast
import functools
import importlib.metadata as metadata
import re
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from helpers import ROOT

pytestmark = pytest.mark.unit

WORKSPACE = ROOT / "template-meta" / "tools" / "workspace"
# The documented install: `uv tool install copier --with copier-template-extensions`.
DOCUMENTED = ("copier", "copier-template-extensions")


def distributions_of(roots: tuple[str, ...]) -> set[str]:
    """The distributions an install of `roots` brings, on this platform."""
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        name = re.sub(r"[-_.]+", "-", todo.pop()).lower()
        if name in seen:
            continue
        seen.add(name)
        for text in metadata.requires(name) or []:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    return seen


@functools.cache
def importable_in_copier() -> frozenset[str]:
    distributions = distributions_of(DOCUMENTED)
    provided = {
        module
        for module, owners in metadata.packages_distributions().items()
        if any(re.sub(r"[-_.]+", "-", owner).lower() in distributions for owner in owners)
    }
    return frozenset(provided | set(sys.stdlib_module_names))


def load_time_imports(path: Path) -> set[str]:
    """Top-level names a module imports when it loads (not inside functions)."""
    found: set[str] = set()

    def visit(nodes: list[ast.stmt]) -> None:
        for node in nodes:
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module)
                found.update(f"{node.module}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
                visit(node.orelse)  # read by type checkers only
            elif isinstance(node, ast.If | ast.Try | ast.With):
                for field in ("body", "orelse", "finalbody", "handlers"):
                    for child in getattr(node, field, []):
                        visit(child.body if isinstance(child, ast.ExceptHandler) else [child])

    visit(ast.parse(path.read_text(encoding="utf-8")).body)
    return found


def workspace_modules_loaded_by_scaffold() -> dict[str, set[str]]:
    """The workspace tool's modules that `python tools/workspace scaffold` loads, with their
    other imports, following `workspace.*` imports from the entry point and from the
    renderer (which the scaffolding imports once it renders)."""
    loaded: dict[str, set[str]] = {}
    todo = ["__main__", "renderer"]
    while todo:
        module = todo.pop()
        if module in loaded:
            continue
        imports = load_time_imports(WORKSPACE / f"{module}.py")
        inner = {name.split(".")[1] for name in imports if name.startswith("workspace.")}
        todo.extend(name for name in inner if (WORKSPACE / f"{name}.py").is_file())
        loaded[module] = {name for name in imports if name.split(".")[0] != "workspace"}
    return loaded


def test_copier_has_no_extra_packages_here() -> None:
    """The check below is meaningful: honcho is not among Copier's dependencies."""
    assert "honcho" not in importable_in_copier()


def test_the_scaffolding_loads_nothing_copier_lacks() -> None:
    allowed = importable_in_copier() | {"__future__"}
    loaded = workspace_modules_loaded_by_scaffold()
    assert {"cli", "scaffold", "renderer", "copier_worker", "manifest"} <= loaded.keys()
    assert "native" not in loaded, "native mode loads honcho: import it in its commands"
    for module, imports in loaded.items():
        missing = {name for name in imports if name.split(".")[0] not in allowed}
        assert not missing, f"workspace/{module}.py imports {missing}, absent from Copier's env"


@pytest.mark.parametrize("path", sorted((ROOT / "extensions").glob("*.py")), ids=lambda p: p.name)
def test_the_extension_tasks_and_migrations_load_nothing_copier_lacks(path: Path) -> None:
    allowed = importable_in_copier() | {"__future__"}
    missing = {n for n in load_time_imports(path) if n.split(".")[0] not in allowed}
    assert not missing, f"{path.name} imports {missing}, absent from Copier's env"
