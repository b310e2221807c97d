"""Tier 1: what lets the meta-repo's scaffolding render every service in Copier's process."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from copier._jinja_ext import YieldExtension, get_yield_context
from copier._template import Task
from jinja2.sandbox import SandboxedEnvironment

from helpers import ROOT
from workspace import copier_worker, renderer

pytestmark = pytest.mark.unit


def test_the_installed_copier_renders_in_process() -> None:
    """Copier's internals are as `copier_worker` expects: the fast path is the tested one."""
    assert renderer.copier_worker is copier_worker
    assert copier_worker.in_process()


def test_only_the_templates_first_commit_task_is_left_to_the_renderer() -> None:
    tasks = yaml.safe_load((ROOT / "copier.yml").read_text())["_tasks"]
    found = [task["command"] for task in tasks if copier_worker.is_initial_commit(
        Task(cmd=task["command"]))]  # fmt: skip
    assert found == [["{{ _copier_python }}",
                      "{{ _copier_conf.src_path }}/extensions/initial_commit.py"]]  # fmt: skip


def test_each_source_compiles_once_and_extensions_still_see_it() -> None:
    """Copier's `yield` tag keeps working: its extension resets its state on every source."""
    environment = SandboxedEnvironment(extensions=[YieldExtension])
    calls: list[str] = []
    original = environment.compile

    def counted(source: str, *args: object) -> object:
        calls.append(source)
        return original(source, *args)  # type: ignore[call-overload]

    environment.compile = counted  # type: ignore[method-assign]
    copier_worker.memoized_compile(environment)
    source = "{% yield item from items %}{{ item }}{% endyield %}"
    for _ in range(2):
        environment.from_string(source).render(items=["a", "b"])
        assert get_yield_context(environment).yield_name == "item"
    assert calls == [source]


def test_the_data_is_copier_copy_s_command_line_then_the_file(tmp_path: Path) -> None:
    data_file = tmp_path / "polystack.yml"
    data_file.write_text("service_name: other\nservices: [{name: api, kind: backend}]\n")
    assert renderer.cli_data(data_file, "backend", "api") == {
        "template_kind": "backend", "service_name": "api",
        "services": [{"name": "api", "kind": "backend"}],
    }  # fmt: skip
