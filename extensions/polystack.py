"""Jinja glue between Copier and the suite model (`model.py`).

Copier loads this file by path, so every template version renders with its own copy of
the model. It adds to every render context:

- `suite`: the validated `Suite` (services with ports, routes, URLs, image names);
- `service`: for a backend or frontend repo, its own entry of the manifest;
- `guide`: the repo's commands, layout, conventions and what never to commit (`guide.py`);
- `pins`: every action, runner, image and tool version the repos pin (`pins.toml`);

the filters the questions' validators use, which return '' or the error message, one
escaping filter per file format (`escape.py`) that every answer passes through, and
`actions_expr`, the one way a workflow template writes a GitHub expression `${{ ... }}`.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from copier_template_extensions import ContextHook
from jinja2 import Environment


def _load(filename: str) -> ModuleType:
    """Load a module beside this file under a name unique to its path."""
    path = Path(__file__).with_name(filename)
    name = f"polystack_{path.stem}_{abs(hash(str(path.resolve())))}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


model = _load("model.py")
guides = _load("guide.py")
escape = _load("escape.py")
pins = _load("pins.py")

SHARED_KEYS = (
    "project_name", "project_slug", "organization", "domain", "registry",
    "python_version", "node_version", "services",
)  # fmt: skip


def _error(check: Any, *args: Any) -> str:
    try:
        check(*args)
    except model.ManifestError as error:
        return str(error)
    return ""


def suite_from(answers: dict[str, Any]) -> Any:
    return model.build_suite(**{key: answers[key] for key in SHARED_KEYS if key in answers})


def _one_line_errors(value: object, where: str) -> list[str]:
    """Control characters anywhere in the manifest's text, each named by its place."""
    if isinstance(value, str):
        message = escape.one_line_error(value, where)
        return [message] if message else []
    if isinstance(value, dict):
        items = [(f"{where}.{key}", item) for key, item in value.items()]
    elif isinstance(value, list):
        items = [(f"{where}[{index}]", item) for index, item in enumerate(value)]
    else:
        return []
    return [message for place, item in items for message in _one_line_errors(item, place)]


def services_error(services: object) -> str:
    # Text that is not YAML (a str here) spans lines: the model explains what is wrong with it.
    if not isinstance(services, str) and (problems := _one_line_errors(services, "services")):
        return "\n".join(problems)
    return _error(model.check_services, services)


def answers_error(answers: dict[str, Any]) -> str:
    return _error(suite_from, answers)


def service_name_error(service_name: str, services: object, kind: str) -> str:
    def check() -> None:
        model.select_service(model.check_services(services), kind, service_name or None)

    return _error(check)


def services_type(data: dict[str, Any]) -> str:
    """The type of the `services` question: `yaml`, except for text given with `-d` that is
    not valid YAML, which the validator then receives as `str` and explains (question, line
    and column) instead of Copier's parser traceback."""
    text = data.get("services") if isinstance(data, dict) else None
    if isinstance(text, str):
        try:
            model.load_services(text)
        except model.ManifestError:
            return "str"
    return "yaml"


# Template sources Copier understands that are not local paths: URLs, `gh:`/`gl:` shortcuts,
# scp-like `user@host:path`.
_REMOTE_SOURCE = re.compile(r"^([a-z][a-z0-9+.-]*:|[^/]+@[^/:]+:)", re.IGNORECASE)


def absolute_source(src_path: str, cwd: str | None = None) -> str:
    """`_src_path` as the answers file records it: a relative local path (`./polystack`) made
    absolute against the folder Copier ran in, so that every later `copier update` and the
    meta-repo's scaffolding find the template from anywhere. URLs and `~` paths stay."""
    text = str(src_path)
    if not text or text.startswith("~") or os.path.isabs(text) or _REMOTE_SOURCE.match(text):
        return text
    return os.path.normpath(os.path.join(cwd or os.getcwd(), text))


def with_absolute_source(answers: dict[str, Any]) -> dict[str, Any]:
    """The answers Copier records, with `_src_path` made absolute (see `absolute_source`)."""
    if "_src_path" not in answers:
        return dict(answers)
    return {**answers, "_src_path": absolute_source(answers["_src_path"])}


def actions_expr(expression: str) -> str:
    """A GitHub Actions expression, `${{ expression }}`, written without Jinja reading it."""
    return "${{ " + expression + " }}"


def first_service_of(services: object, kind: str) -> str:
    """The default `service_name`: the first entry of the repo's kind, or ''."""
    if isinstance(services, list):
        for entry in services:
            if isinstance(entry, dict) and entry.get("kind") == kind:
                return str(entry.get("name", ""))
    return ""


class PolystackExtension(ContextHook):
    """Adds `suite`, `service`, `guide` and `pins` to the context once the answers are
    complete."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        self._cache: dict[str, tuple[Any, Any, Any, Any]] = {}
        environment.filters.update(
            {
                "slugify": model.slugify,
                "default_registry": model.default_registry,
                "services_error": services_error,
                "service_name_error": service_name_error,
                "name_error": lambda value, what: _error(model.check_name, value, what),
                "project_slug_error": lambda value, name: _error(
                    model.check_project_slug, value, name
                ),
                "services_type": services_type,
                "with_absolute_source": with_absolute_source,
                "domain_error": lambda value: _error(model.check_domain, value),
                "organization_error": lambda value: _error(model.check_organization, value),
                "registry_error": lambda value: _error(model.check_registry, value),
                "first_service_of": first_service_of,
                "actions_expr": actions_expr,
                "to_json": lambda value: json.dumps(value, sort_keys=True),
                **escape.FILTERS,
            }
        )

    def hook(self, context: dict[str, Any]) -> None:
        if not all(key in context for key in SHARED_KEYS) or "template_kind" not in context:
            return  # still asking questions
        answers = {key: context[key] for key in SHARED_KEYS}
        key = json.dumps([answers, context.get("service_name")], sort_keys=True, default=str)
        if key not in self._cache:
            try:
                suite = suite_from(answers)
            except model.ManifestError:
                return  # the questions' validators report it
            kind = context["template_kind"]
            service = None
            if kind in model.KINDS:
                service = model.select_service(suite, kind, context.get("service_name") or None)
            package = service.python_package if service else ""
            versions = pins.load(suite.python_version, suite.node_version)
            self._cache[key] = (suite, service, guides.guide(kind, package), versions)
        context["suite"], context["service"], context["guide"], context["pins"] = self._cache[key]
