"""Tier 1: the runtime description every deployment mode renders a service from."""

from __future__ import annotations

import dataclasses
import json
import shlex
import subprocess
import sys
from typing import Any

import jinja2
import pytest
import yaml

import polystack
import runtime
from helpers import ROOT
from model import KINDS, SHARED_KEYS, build_suite

pytestmark = pytest.mark.unit

MANIFEST = [
    {"name": "api", "kind": "backend", "route": "/api"},
    {"name": "billing", "kind": "backend"},
    {"name": "web", "kind": "frontend", "route": "/"},
    {"name": "admin", "kind": "frontend"},
]


@pytest.fixture(scope="module")
def runs() -> dict[str, runtime.Runtime]:
    suite = build_suite(project_name="Acme", project_slug="acme", organization="acme",
                        services=MANIFEST)  # fmt: skip
    return runtime.describe_all(suite)


def test_backends_are_ready_with_their_database_frontends_when_they_serve(
    runs: dict[str, runtime.Runtime],
) -> None:
    api, web, admin = runs["api"], runs["web"], runs["admin"]
    assert (api.liveness.path, api.readiness.path) == ("/api/healthz", "/api/readyz")
    assert api.readiness.url == "http://127.0.0.1:8000/api/readyz"
    assert (web.liveness.path, web.readiness.path) == ("/healthz", "/healthz")
    assert admin.readiness.url == f"http://127.0.0.1:{admin.port}/admin/healthz"


@pytest.mark.parametrize("name", ["api", "admin"])
def test_the_container_probe_asks_readiness_with_the_image_s_own_runtime(
    runs: dict[str, runtime.Runtime], name: str
) -> None:
    run = runs[name]
    exec_form, program, flag, script = run.probe_command
    assert exec_form == "CMD"
    assert run.readiness.url in script
    if run.kind == "backend":
        # The script is Python: it compiles, and it asks the readiness URL with a timeout.
        assert (program, flag) == ("python", "-c")
        compile(script, "healthcheck", "exec")
    else:
        assert (program, flag) == ("node", "-e")


def test_the_python_probe_fails_while_nothing_answers(runs: dict[str, runtime.Runtime]) -> None:
    script = runs["api"].probe_command[3].replace(str(runs["api"].port), "9")  # the discard port
    assert subprocess.run([sys.executable, "-c", script], capture_output=True).returncode != 0


def test_each_mode_gets_the_same_core_environment_with_its_own_addresses(
    runs: dict[str, runtime.Runtime],
) -> None:
    api, web = runs["api"], runs["web"]
    assert web.env("compose") == web.env("swarm") == web.env("k8s") == {
        "HOST": "0.0.0.0", "PORT": "3100", "HOSTNAME": "0.0.0.0",
        "BACKEND_URL": "http://api:8000", "OTEL_SERVICE_NAME": "web",
        "METRICS_PORT": str(web.metrics_port),
    }  # fmt: skip
    assert web.metrics_port not in (web.port, api.port)
    assert web.env("native")["BACKEND_URL"] == "http://127.0.0.1:8000"
    assert web.env("native")["HOSTNAME"] == "127.0.0.1"
    # Replicas never migrate where a deployment runs a migration once per release.
    assert {mode: api.env(mode)["AUTO_MIGRATE"] for mode in runtime.MODES} == {
        "compose": "true", "native": "true", "swarm": "false", "k8s": "false"}  # fmt: skip
    assert "BACKEND_URL" not in api.env("compose")


def test_backends_get_each_engine_s_url_in_every_mode() -> None:
    """Containers reach an engine by its service name; native processes on loopback at the
    port of its setting, which the shell of the Procfile line fills in."""
    suite = build_suite(project_name="Acme", project_slug="acme", organization="acme",
                        services=MANIFEST, engines=["nats", "redis"])  # fmt: skip
    runs = runtime.describe_all(suite)
    api, web = runs["api"], runs["web"]
    for mode in ("compose", "swarm", "k8s"):
        env = api.env(mode)
        assert (env["NATS_URL"], env["REDIS_URL"]) == ("nats://nats:4222", "redis://redis:6379/0")
    assert api.env("native")["NATS_URL"] == "nats://127.0.0.1:${NATS_PORT}"
    assert not {"NATS_URL", "REDIS_URL"} & set(web.env("compose"))
    words = shlex.split(api.native_command("start"))
    assert "NATS_URL=nats://127.0.0.1:${NATS_PORT}" in words
    filled = subprocess.run(
        ["sh", "-c", f"{api.native_env()} sh -c 'echo $NATS_URL $REDIS_URL'"],
        env={"NATS_PORT": "4333", "REDIS_PORT": "6390"}, capture_output=True, text=True,
        check=True,
    ).stdout.split()  # fmt: skip
    assert filled == ["nats://127.0.0.1:4333", "redis://127.0.0.1:6390/0"]
    without = runtime.describe_all(build_suite(project_name="Acme", project_slug="acme",
                                               organization="acme", services=MANIFEST))  # fmt: skip
    assert not {"NATS_URL", "REDIS_URL"} & set(without["api"].env("native"))


def test_shell_word_expands_a_setting_and_nothing_else() -> None:
    assert runtime.shell_word("nats://127.0.0.1:${NATS_PORT}") == '"nats://127.0.0.1:${NATS_PORT}"'
    assert runtime.shell_word("$(reboot)") == "'$(reboot)'"
    assert runtime.shell_word('a"${X}') == "'a\"${X}'"
    assert runtime.shell_word("") == "''"


def test_engines_run_natively_on_loopback_with_their_data_in_the_state_folder() -> None:
    suite = build_suite(project_name="Acme", project_slug="acme", organization="acme",
                        services=MANIFEST, engines=["nats", "redis"])  # fmt: skip
    nats, redis = (runtime.engine_native_command(e) for e in suite.engines)
    assert shlex.split(nats) == [
        "mkdir", "-p", ".native/nats", "&&", "exec", "nats-server", "--jetstream", "--store_dir",
        ".native/nats", "--addr", "127.0.0.1", "--port", "${NATS_PORT}"]  # fmt: skip
    assert shlex.split(redis)[5:] == [
        "redis-server", "--bind", "127.0.0.1", "--port", "${REDIS_PORT}", "--dir",
        ".native/redis", "--appendonly", "yes", "--save", ""]  # fmt: skip
    data = runtime.workspace_model(suite, SHARED_KEYS, KINDS)["engines"]
    assert data["redis"] == {
        "title": "Redis", "program": "redis-server", "package": "redis-server",
        "port_env": "REDIS_PORT", "port": 6379, "env_var": "REDIS_URL",
        "url": "redis://127.0.0.1:${REDIS_PORT}/0", "data_dir": ".native/redis"}  # fmt: skip


def test_native_commands_run_the_image_s_command_with_the_native_environment(
    runs: dict[str, runtime.Runtime],
) -> None:
    api, web = runs["api"], runs["web"]
    start = shlex.split(api.native_command("start"))
    assert start[:3] == ["cd", "services/api", "&&"]
    assert start[-len(api.serve) :] == list(api.serve)
    assert "AUTO_MIGRATE=true" in start and "PORT=8000" in start
    assert api.native_command("dev") == api.native_command("start") + " --reload"
    assert shlex.split(web.native_command("start"))[-2:] == list(web.serve)
    assert "next dev --hostname 127.0.0.1 --port 3100" in web.native_command("dev")


def test_the_workspace_model_is_json_with_the_vocabulary_and_each_runtime(
    runs: dict[str, runtime.Runtime],
) -> None:
    suite = build_suite(project_name="Acme", project_slug="acme", organization="acme",
                        services=MANIFEST)  # fmt: skip
    data = json.loads(json.dumps(runtime.workspace_model(suite, SHARED_KEYS, KINDS)))
    assert data["shared_keys"] == list(SHARED_KEYS)
    assert data["kinds"] == list(KINDS)
    assert set(data["services"]) == {e["name"] for e in MANIFEST}
    assert data["services"]["api"]["readiness"] == runs["api"].readiness.url
    assert data["services"]["web"]["prepare"]["start"][-1] == ["pnpm", "build"]
    sync = ["uv", "sync", "--frozen", "--quiet"]
    assert data["services"]["billing"]["prepare"] == {"dev": [sync], "start": [sync]}


def test_a_change_to_the_description_reaches_all_four_modes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Backends probed elsewhere and given more memory: compose, Swarm, the backend's
    Kubernetes base and native mode (suite.json, which its await-services step reads) all
    follow, since each renders the description."""
    suite = build_suite(project_name="Acme", project_slug="acme", organization="acme",
                        services=MANIFEST)  # fmt: skip
    # The extension as Copier loads it: its own copy of the runtime module.
    described = polystack.runtime.describe

    def elsewhere(suite: Any, service: Any) -> Any:
        run = described(suite, service)
        if run.kind != "backend":
            return run
        ready = polystack.runtime.Probe(f"{service.route_prefix}/ready-now", run.port)
        more = dataclasses.replace(run.resources, memory_limit=1024)
        return dataclasses.replace(run, readiness=ready, resources=more)

    monkeypatch.setattr(polystack.runtime, "describe", elsewhere)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(ROOT), undefined=jinja2.StrictUndefined)
    polystack.PolystackExtension(env)  # the filters Copier's renders have
    context = {"suite": suite, "runtime": polystack.runtime.describe_all(suite),
               "pins": polystack.pins.load(suite.python_version, suite.node_version),
               "service": suite.service("api"), "auth": "none"}  # fmt: skip

    def rendered(path: str) -> str:
        return env.get_template(path).render(context)

    url = "http://127.0.0.1:8000/api/ready-now"
    compose = yaml.safe_load(rendered("template-meta/compose.yaml.jinja"))["services"]["api"]
    swarm = yaml.safe_load(rendered("template-meta/deploy/swarm/stack.yml.jinja"))["services"]
    assert url in compose["healthcheck"]["test"][-1]
    assert url in swarm["api"]["healthcheck"]["test"][-1]
    assert swarm["api"]["deploy"]["resources"]["limits"]["memory"] == "1024M"
    assert swarm["web"]["deploy"]["resources"]["limits"]["memory"] == "512M"
    deployment = yaml.safe_load(rendered("template-backend/k8s/base/deployment.yaml.jinja"))
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    assert container["readinessProbe"]["httpGet"]["path"] == "/api/ready-now"
    assert container["resources"]["limits"]["memory"] == "1024Mi"
    workspace = json.loads(rendered("template-meta/tools/workspace/suite.json.jinja"))
    assert workspace["services"]["api"]["readiness"] == url
