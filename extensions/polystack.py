"""Jinja glue between Copier and the suite model (`model.py`).

Copier loads this file by path, so every template version renders with its own copy of
the model. It adds to every render context:

- `suite`: the validated `Suite` (services with ports, routes, URLs, image names);
- `service`: for a backend or frontend repo, its own entry of the manifest;
- `runtime`: how each service runs, by name (`runtime.py`), which every deployment mode renders;
- `guide`: the repo's commands, layout, conventions and what never to commit (`guide.py`);
- `pins`: every action, runner, image and tool version the repos pin (`pins.toml`);
- `oidc`: the sign-in settings and roles of `auth: oidc` (`oidc.py`);

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
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

from copier_template_extensions import ContextHook
from jinja2 import Environment
from prompt_toolkit.application import get_app_or_none


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
runtime = _load("runtime.py")
edge = _load("edge.py")
pins = _load("pins.py")
events = _load("events.py")
oidc = _load("oidc.py")

SHARED_KEYS = model.SHARED_KEYS


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


def _message(problems: tuple[str, ...]) -> str:
    """The problems of one answer, on one line at the prompt, one line each elsewhere."""
    if len(problems) > 1 and get_app_or_none() is not None:
        # Copier's prompt shows its error bar on one line: every problem must be on it.
        numbered = "; ".join(f"({number}) {text}" for number, text in enumerate(problems, 1))
        return f"{len(problems)} problems: {numbered}"
    return str(model.ManifestError(*problems)) if problems else ""


def services_error(services: object, engines: object = None) -> str:
    return _message(_services_problems(services, engines))


def engines_error(engines: object) -> str:
    try:
        model.check_engines(engines)
    except model.ManifestError as error:
        return _message(error.problems)
    return ""


def _services_problems(services: object, engines: object = None) -> tuple[str, ...]:
    # Text (typed at the prompt, or given with -d and not YAML) is parsed here: invalid YAML is
    # named by line and column, and the parsed list is checked like any other.
    try:
        if isinstance(services, str):
            services = model.load_services(services)
        if problems := _one_line_errors(services, "services"):
            return tuple(problems)
        model.check_services(services, engines)
    except model.ManifestError as error:
        return tuple(error.problems)
    return ()


def answers_error(answers: dict[str, Any]) -> str:
    return _error(suite_from, answers)


def service_name_error(service_name: str, services: object, kind: str) -> str:
    def check() -> None:
        model.select_service(model.check_services(services), kind, service_name or None)

    return _error(check)


def services_type(conf: Mapping[str, Any], recorded: object = None) -> str:
    """The type of the `services` question: `yaml`, or `str` wherever Copier would parse the
    text itself and answer bad YAML with a bare "Invalid input" before the validator runs:
    text given with `-d` that is not valid YAML, and the answer typed at a copy's prompt. As
    `str` the validator parses it and names every problem; the answers file records the list.
    An answer recorded by an earlier copy (a list) keeps `yaml`, which can read it back."""
    text = conf.get("data", {}).get("services")
    if isinstance(text, str):
        try:
            model.load_services(text)
        except model.ManifestError:
            return "str"
        return "yaml"
    if text is not None or conf.get("defaults") or recorded is not None:
        return "yaml"
    return "str"


def loaded_services(services: object) -> object:
    """The manifest as a list: text typed at the prompt parsed (it was validated already)."""
    return model.load_services(services) if isinstance(services, str) else services


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


def recorded_answers(answers: dict[str, Any]) -> dict[str, Any]:
    """The answers Copier records: `_src_path` made absolute (see `absolute_source`), and the
    manifest as a list even where it was typed as text."""
    recorded = dict(answers)
    if "_src_path" in recorded:
        recorded["_src_path"] = absolute_source(recorded["_src_path"])
    if "services" in recorded:
        recorded["services"] = loaded_services(recorded["services"])
    return recorded


def actions_expr(expression: str) -> str:
    """A GitHub Actions expression, `${{ expression }}`, written without Jinja reading it."""
    return "${{ " + expression + " }}"


def first_service_of(services: object, kind: str) -> str:
    """The default `service_name`: the first entry of the repo's kind, or ''."""
    try:
        entries = loaded_services(services)
    except model.ManifestError:
        return ""  # the `services` validator has named the problem
    if isinstance(entries, list):
        for entry in entries:
            if isinstance(entry, dict) and entry.get("kind") == kind:
                return str(entry.get("name", ""))
    return ""


class PolystackExtension(ContextHook):
    """Adds `suite`, `service`, `runtime`, `guide` and `pins` to the context once the answers
    are complete."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        self._cache: dict[str, dict[str, Any]] = {}
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
                "recorded_answers": recorded_answers,
                "domain_error": lambda value: _error(model.check_domain, value),
                "organization_error": lambda value: _error(model.check_organization, value),
                "registry_error": lambda value: _error(model.check_registry, value),
                "engines_error": engines_error,
                "first_service_of": first_service_of,
                "actions_expr": actions_expr,
                "to_json": lambda value: json.dumps(value, sort_keys=True),
                "traefik_static": edge.traefik_static,
                "traefik_flags": edge.flags,
                "engine_command": runtime.engine_native_command,
                "event_contracts": events.event_contracts,
                "workspace_model": lambda suite: runtime.workspace_model(
                    suite, model.SHARED_KEYS, model.KINDS
                ),
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
            self._cache[key] = {
                "suite": suite,
                "service": service,
                "runtime": runtime.describe_all(suite),
                "guide": guides.guide(kind, package),
                "pins": pins.load(suite.python_version, suite.node_version),
                "oidc": oidc,
            }
        context.update(self._cache[key])
