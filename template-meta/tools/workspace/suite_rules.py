"""The suite's own manifest rules, from the template version the meta-repo was rendered with.

Copier judges the manifest with the extension's model when it renders; loading that same
file lets the tool judge new entries first, each on its own, so that every rejected entry is
reported at once and nothing is written.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from workspace.manifest import WorkspaceError

MODEL = Path("extensions") / "model.py"


def load_model(template: Path) -> ModuleType:
    """extensions/model.py of a template checkout, under a name unique to its path."""
    path = template / MODEL
    if not path.is_file():
        raise WorkspaceError(f"the template at {template} has no {MODEL}: is it Polystack?")
    name = f"polystack_rules_{abs(hash(str(path.resolve())))}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


def judge(
    model: ModuleType, answers: dict[str, Any], entries: list[dict[str, Any]]
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Add the entries one by one; returns the resolved answers of the accepted ones and
    the rules' problems with each rejected one, by name."""
    accepted = list(answers.get("services", []))
    rejected: dict[str, list[str]] = {}
    for entry in entries:
        try:
            model.build_suite(**{**answers, "services": [*accepted, entry]})
        except ValueError as error:  # the model's ManifestError, one line per problem
            problems = getattr(error, "problems", None) or (str(error),)
            rejected[str(entry.get("name"))] = [str(problem) for problem in problems]
        else:
            accepted.append(entry)
    suite = model.build_suite(**{**answers, "services": accepted})
    return dict(suite.shared_answers()), rejected
