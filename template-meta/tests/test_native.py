"""Native mode: settings, the configs laid over Docker mode's, the Procfiles, routes, links."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from conftest import ROOT
from honcho.environ import parse_procfile
from workspace import links, native, native_config, vocabulary
from workspace.manifest import Manifest, WorkspaceError
from workspace.native_config import Settings

PORTS = {"EDGE_PORT": 9000, "DASHBOARD_PORT": 9001, "TRAEFIK_METRICS_PORT": 9002,
         "PROMETHEUS_PORT": 9003}  # fmt: skip


def test_settings_default_to_the_documented_ports(tmp_path: Path) -> None:
    settings = native_config.load_settings(tmp_path, environ={})
    engines = {e.port_env: e.port for e in vocabulary.engines().values()}
    assert settings.ports == {**native_config.PORTS, **engines}
    assert settings.shared_env == {}


def test_settings_come_from_dotenv_and_the_environment_wins(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        "EDGE_PORT=9000\nDASHBOARD_PORT=9001\nPOSTGRES_PASSWORD=secret\n"
        'OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:4318"\n'
    )
    settings = native_config.load_settings(tmp_path, environ={"EDGE_PORT": "9100"})
    assert (settings.ports["EDGE_PORT"], settings.ports["DASHBOARD_PORT"]) == (9100, 9001)
    assert settings.shared_env == {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"}
    assert settings.process_env()["PROMETHEUS_PORT"] == "9090"
    assert "POSTGRES_PASSWORD" not in settings.process_env()


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"EDGE_PORT": "http"}, "not a port"),
        ({"PROMETHEUS_PORT": "70000"}, "not a port"),
        ({"EDGE_PORT": "9000", "DASHBOARD_PORT": "9000"}, "EDGE_PORT and DASHBOARD_PORT are all"),
    ],
)
def test_bad_ports_are_rejected(tmp_path: Path, environ: dict[str, str], message: str) -> None:
    with pytest.raises(WorkspaceError, match=message):
        native_config.load_settings(tmp_path, environ=environ)


def test_traefik_static_config_is_docker_mode_s_on_loopback() -> None:
    compose = yaml.safe_load((ROOT / native_config.TRAEFIK_STATIC).read_text())
    config = native_config.traefik_static(ROOT, Settings(PORTS, {}))
    addresses = {name: e.pop("address") for name, e in config["entryPoints"].items()}
    assert addresses == {"web": "127.0.0.1:9000", "dashboard": "127.0.0.1:9001",
                         "metrics": "127.0.0.1:9002"}  # fmt: skip
    # The hardening, logs and metrics are Docker mode's, untouched.
    for entrypoint in compose["entryPoints"].values():
        entrypoint.pop("address")
    assert config["entryPoints"] == compose["entryPoints"]
    for key in ("api", "ping", "metrics", "log", "accessLog", "global"):
        assert config[key] == compose[key], key
    assert config["providers"]["file"]["filename"] == str(ROOT / native_config.DYNAMIC_CONFIG)
    assert "tracing" not in config  # nothing to send traces to


def test_traefik_traces_when_an_endpoint_is_set() -> None:
    settings = Settings(PORTS, {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://o:4318/"})
    config = native_config.traefik_static(ROOT, settings)
    assert config["tracing"]["otlp"]["http"]["endpoint"] == "http://o:4318/v1/traces"
    assert config["tracing"]["serviceName"] == "traefik"


def test_prometheus_scrapes_what_runs_natively_on_loopback() -> None:
    manifest = Manifest.load(ROOT)
    config = native_config.prometheus_config(manifest, Settings(PORTS, {}))
    targets = {job["job_name"]: [t for g in job["static_configs"] for t in g["targets"]]
               for job in config["scrape_configs"]}  # fmt: skip
    assert targets["prometheus"] == ["127.0.0.1:9003"]
    assert targets["traefik"] == ["127.0.0.1:9002"]
    for job in ("otel-collector", "otel-collector-exporter", "tempo"):
        assert job not in targets  # not run natively
    assert targets["backends"] == [f"127.0.0.1:{s.port}" for s in manifest.services
                                   if s.kind == "backend"]  # fmt: skip
    names = {s.name for s in manifest.services}
    assert all(t.split(":")[0] == "127.0.0.1" for ts in targets.values() for t in ts), names
    rules = config["rule_files"]
    assert rules == [str(ROOT / native_config.PROMETHEUS_DIR / "rules/*.yml")]


def test_write_configs_writes_both_files(tmp_path: Path) -> None:
    for source in ("polystack.yml", native_config.TRAEFIK_STATIC,
                   native_config.PROMETHEUS_DIR / "prometheus.yml"):  # fmt: skip
        (tmp_path / source).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / source).write_text((ROOT / source).read_text())
    folder = native_config.write_configs(Manifest.load(tmp_path), Settings(PORTS, {}))
    written = yaml.safe_load((folder / "traefik.yml").read_text())
    assert written == native_config.traefik_static(tmp_path, Settings(PORTS, {}))
    assert yaml.safe_load((folder / "prometheus.yml").read_text())["scrape_configs"]


def backend_names() -> list[str]:
    return [n for n, r in vocabulary.runtimes().items() if r.kind == "backend"]


def test_replicas_are_counted_per_backend(tmp_path: Path) -> None:
    backend = backend_names()[0]
    (tmp_path / ".env").write_text(f"REPLICAS={backend}=3\n")
    assert native_config.load_settings(tmp_path, environ={}).replicas == {backend: 3}
    # One replica is the default: nothing extra.
    settings = native_config.load_settings(tmp_path, environ={"REPLICAS": f" {backend}=1, "})
    assert settings.replicas == {}


@pytest.mark.parametrize(
    ("value", "message"),
    [("nobody=2", "'nobody', which is not a backend"), ("{backend}=0", "from 1 to 16"),
     ("{backend}=two", "from 1 to 16"), ("{backend}", "from 1 to 16")],
)  # fmt: skip
def test_bad_replicas_are_rejected(tmp_path: Path, value: str, message: str) -> None:
    environ = {"REPLICAS": value.format(backend=backend_names()[0])}
    with pytest.raises(WorkspaceError, match=message):
        native_config.load_settings(tmp_path, environ=environ)


def test_replicas_are_extra_servers_and_processes_on_their_own_ports(tmp_path: Path) -> None:
    backend = backend_names()[0]
    runtime = vocabulary.runtimes()[backend]
    for source in ("polystack.yml", native_config.TRAEFIK_STATIC, native_config.DYNAMIC_CONFIG,
                   native_config.PROMETHEUS_DIR / "prometheus.yml"):  # fmt: skip
        (tmp_path / source).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / source).write_text((ROOT / source).read_text())
    settings = Settings(PORTS, {}, {backend: 3})
    extra = native_config.replica_ports(settings)
    assert len(extra[backend]) == 2
    assert runtime.port not in extra[backend]
    native_config.write_configs(Manifest.load(tmp_path), settings, extra)
    # Traefik reads the routes with the replicas added; the others are the committed ones.
    static = native_config.traefik_static(tmp_path, settings)
    replicated = tmp_path / native_config.REPLICATED_CONFIG
    assert static["providers"]["file"]["filename"] == str(replicated)
    routes = yaml.safe_load(replicated.read_text())
    committed = yaml.safe_load((ROOT / native_config.DYNAMIC_CONFIG).read_text())
    ports = [runtime.port, *extra[backend]]
    servers = routes["http"]["services"][backend]["loadBalancer"]["servers"]
    assert servers == [{"url": f"http://127.0.0.1:{p}"} for p in ports]
    routes["http"]["services"][backend] = committed["http"]["services"][backend]
    assert routes == committed
    # Prometheus scrapes every replica, each its own instance under the service's labels.
    scraped = yaml.safe_load((tmp_path / native_config.NATIVE_DIR / "prometheus.yml").read_text())
    groups = [g for job in scraped["scrape_configs"] for g in job["static_configs"]
              if g.get("labels", {}).get("service") == backend]  # fmt: skip
    assert [g["targets"] for g in groups] == [[f"127.0.0.1:{p}" for p in ports]]
    readiness = [runtime.readiness.replace(str(runtime.port), str(p)) for p in ports]
    assert native.replica_readiness(tmp_path, runtime) == readiness
    found = native.processes(ROOT, "dev")
    replicas = native.replica_processes(found, extra)
    assert list(replicas) == [f"{backend}.2", f"{backend}.3"]
    own, second = f" PORT={runtime.port} ", f" PORT={extra[backend][0]} "
    assert replicas[f"{backend}.2"] == found[backend].replace(own, second)
    # A run without replicas goes back to the committed routes.
    native_config.write_configs(Manifest.load(tmp_path), Settings(PORTS, {}))
    assert not replicated.exists()
    filename = native_config.traefik_static(tmp_path, Settings(PORTS, {}))["providers"]["file"]
    assert filename["filename"] == str(tmp_path / native_config.DYNAMIC_CONFIG)


@pytest.mark.parametrize(("mode", "server"), [("dev", "next dev"), ("start", "node server.js")])
def test_procfiles_run_traefik_prometheus_and_every_service(mode: str, server: str) -> None:
    manifest = Manifest.load(ROOT)
    processes = parse_procfile((ROOT / native.PROCFILES[mode]).read_text()).processes
    engines = vocabulary.engines()
    # With `auth: oidc`, the dev OpenID provider runs beside them.
    provider = {"oidc-provider"} if manifest.answers.get("auth") == "oidc" else set()
    assert set(processes) == {"traefik", "prometheus", *provider} | set(engines) | {
        s.name for s in manifest.services}  # fmt: skip
    assert "await-services && exec " in processes["traefik"]
    assert "$PROMETHEUS_PORT" in processes["prometheus"]
    for service in manifest.services:
        command = processes[service.name]
        assert f" PORT={service.port} " in command
        if service.kind == "frontend":
            assert server in command
        else:
            assert (" serve --reload" in command) == (mode == "dev")
            # Each engine's URL, its port filled in by the shell from the process environment.
            for engine in engines.values():
                assert f' {engine.env_var}="{engine.url}" ' in command
    for engine in engines.values():
        command = processes[engine.name]
        assert f"exec {engine.program} " in command
        assert f'"${{{engine.port_env}}}"' in command
        assert f" {engine.data_dir}" in command


def test_engines_the_manifest_names_are_the_rendered_ones() -> None:
    assert list(vocabulary.engines()) == Manifest.load(ROOT).answers["engines"]


def test_engine_urls_carry_the_ports_of_the_settings(tmp_path: Path) -> None:
    engines = vocabulary.engines()
    environ = {e.port_env: str(7000 + n) for n, e in enumerate(engines.values())}
    settings = native_config.load_settings(tmp_path, environ=environ)
    urls = native.engine_urls(settings)
    assert set(urls) == {e.env_var for e in engines.values()}
    for engine in engines.values():
        assert urls[engine.env_var].startswith(f"{engine.name}://127.0.0.1:")
        assert f":{environ[engine.port_env]}" in urls[engine.env_var]


def test_engines_alone_need_some_in_the_manifest(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vocabulary, "engines", dict)
    with pytest.raises(WorkspaceError, match="names no engines"):
        native.run_engines(Manifest.load(ROOT))


def test_a_missing_engine_program_is_named_with_its_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "polystack.yml").write_text((ROOT / "polystack.yml").read_text())
    for service in Manifest.load(tmp_path).services:
        (tmp_path / "services" / service.name).mkdir(parents=True)
    (tmp_path / "Procfile.dev").write_text((ROOT / "Procfile.dev").read_text())
    engine = vocabulary.Engine(
        name="nats", title="NATS JetStream", program="no-such-nats-server", package="nats-server",
        port_env="NATS_PORT", port=4222, env_var="NATS_URL", url="nats://127.0.0.1:${NATS_PORT}",
        data_dir=".native/nats",
    )  # fmt: skip
    monkeypatch.setattr(vocabulary, "engines", lambda: {"nats": engine})
    with pytest.raises(WorkspaceError, match="apt-get install nats-server"):
        native.check_ready(Manifest.load(tmp_path), "dev")


def test_honcho_accepts_both_procfiles() -> None:
    for procfile in native.PROCFILES.values():
        done = subprocess.run([sys.executable, "-m", "honcho", "-f", procfile, "check"],
                              cwd=ROOT, capture_output=True, text=True)  # fmt: skip
        assert done.returncode == 0, done.stderr


def test_prometheus_runs_only_where_it_is_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    assert "prometheus" not in native.processes(ROOT, "dev")


def test_dev_builds_nothing_start_builds_frontends() -> None:
    runtimes = vocabulary.runtimes()
    for service in Manifest.load(ROOT).services:
        run = runtimes[service.name]
        dev, start = (native.prepare_commands(run, mode) for mode in ("dev", "start"))
        assert not any("build" in command for command in dev)
        assert (["pnpm", "build"] in start) == (service.kind == "frontend") == run.standalone


def test_every_service_of_the_manifest_has_its_rendered_runtime() -> None:
    """suite.json is rendered from the same manifest: the same services, kinds and ports, and
    the same probes and commands the Procfiles run."""
    runtimes = vocabulary.runtimes()
    manifest = Manifest.load(ROOT)
    assert {s.name: (s.kind, s.port) for s in manifest.services} == {
        name: (run.kind, run.port) for name, run in runtimes.items()}  # fmt: skip
    processes = parse_procfile((ROOT / native.PROCFILES["start"]).read_text()).processes
    for service in manifest.services:
        run = runtimes[service.name]
        prefix = "" if service.route == "/" else service.route
        assert run.liveness == f"http://127.0.0.1:{service.port}{prefix}/healthz"
        assert run.readiness.startswith(f"http://127.0.0.1:{service.port}{prefix}/")
        assert f" PORT={service.port} " in processes[service.name]
    assert set(vocabulary.kinds()) == {s.kind for s in manifest.services}
    assert set(manifest.shared_answers()) == set(vocabulary.shared_keys()) & set(manifest.answers)


def test_a_restart_installs_a_frontend_only_when_its_lockfile_changed(tmp_path: Path) -> None:
    web = next(r for r in vocabulary.runtimes().values() if r.kind == "frontend")
    (tmp_path / "package.json").write_text('{"name": "web"}')
    (tmp_path / "pnpm-lock.yaml").write_text("lockfileVersion: '9.0'\n")
    assert not native.is_installed(tmp_path)  # never installed
    (tmp_path / "node_modules").mkdir()
    (tmp_path / native.INSTALL_STAMP).write_text(native.install_digest(tmp_path))
    assert native.is_installed(tmp_path)
    assert native.prepare_commands(web, "dev", installed=True) == []
    assert native.prepare_commands(web, "start", installed=True) == [["pnpm", "build"]]
    (tmp_path / "pnpm-lock.yaml").write_text("lockfileVersion: '9.0'\nimporters: {}\n")
    assert not native.is_installed(tmp_path)


def test_dynamic_config_routes_each_service_to_its_loopback_port() -> None:
    manifest = Manifest.load(ROOT)
    http = yaml.safe_load((ROOT / native_config.DYNAMIC_CONFIG).read_text())["http"]
    assert http["routers"]["dashboard"]["service"] == "api@internal"
    for service in manifest.services:
        router = http["routers"][service.name]
        bounded = f"Path(`{service.route}`) || PathPrefix(`{service.route}/`)"
        assert router["rule"] == ("PathPrefix(`/`)" if service.route == "/" else bounded)
        assert router.get("priority") == (1 if service.route == "/" else None)
        servers = http["services"][router["service"]]["loadBalancer"]["servers"]
        assert servers == [{"url": f"http://127.0.0.1:{service.port}"}]
    assert "middlewares" not in http  # backends serve their prefix: nothing is stripped


def test_links_name_the_app_docs_dashboard_prometheus_and_health() -> None:
    manifest = Manifest.load(ROOT)
    found = dict(links.links(manifest, Settings(PORTS, {}), prometheus=True))
    assert found["Traefik dashboard"] == "http://127.0.0.1:9001/dashboard/"
    assert found["Prometheus"] == "http://127.0.0.1:9003/"
    for service in manifest.services:
        prefix = "" if service.route == "/" else service.route
        assert found[f"{service.name} health"] == f"http://127.0.0.1:9000{prefix}/healthz"
        if service.kind == "backend":
            assert found[f"{service.name} API docs"] == f"http://127.0.0.1:9000{prefix}/docs"
    without = dict(links.links(manifest, Settings(PORTS, {}), prometheus=False))
    assert "Prometheus" not in without
    assert "Prometheus" in links.banner(list(found.items()), 3.2)


class _Flaky(BaseHTTPRequestHandler):
    """Answers 503 twice, then 200."""

    calls = 0

    def do_GET(self) -> None:
        type(self).calls += 1
        self.send_response(200 if type(self).calls > 2 else 503)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        del args


@pytest.fixture
def flaky_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Flaky)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/healthz"
    server.shutdown()


def test_wait_until_up_waits_for_a_200(flaky_url: str) -> None:
    assert links.wait_until_up([flaky_url], timeout=10)
    assert _Flaky.calls == 3


def test_wait_until_up_asks_every_url_at_once() -> None:
    """A URL that answers only once another was asked (as a frontend's page compiles while
    a backend starts) does not hold the others back."""
    asked = threading.Event()

    class _AfterOther(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200 if asked.wait(timeout=0.05) else 503)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            del args

    class _Other(_AfterOther):
        def do_GET(self) -> None:
            asked.set()
            super().do_GET()

    servers = [ThreadingHTTPServer(("127.0.0.1", 0), handler) for handler in (_AfterOther, _Other)]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        urls = [f"http://127.0.0.1:{server.server_address[1]}/" for server in servers]
        assert links.wait_until_up(urls, timeout=3)
    finally:
        for server in servers:
            server.shutdown()


def test_wait_until_up_gives_up() -> None:
    with ThreadingHTTPServer(("127.0.0.1", 0), _Flaky) as closed:
        port = closed.server_address[1]
    assert not links.wait_until_up([f"http://127.0.0.1:{port}/"], timeout=0.5)


def test_child_env_drops_the_tool_s_virtualenv(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIRTUAL_ENV", "/somewhere/.venv")
    monkeypatch.setenv("PYTHONPATH", "tools")
    env = native.child_env()
    assert "VIRTUAL_ENV" not in env
    assert "PYTHONPATH" not in env


def test_stage_standalone_copies_the_assets_as_the_dockerfile_does(tmp_path: Path) -> None:
    (tmp_path / ".next/standalone").mkdir(parents=True)
    (tmp_path / ".next/standalone/server.js").write_text("")
    (tmp_path / ".next/static/chunks").mkdir(parents=True)
    (tmp_path / ".next/static/chunks/app.js").write_text("js")
    (tmp_path / "public").mkdir()
    (tmp_path / "public/favicon.ico").write_text("ico")
    native.stage_standalone(tmp_path)
    assert (tmp_path / ".next/standalone/.next/static/chunks/app.js").read_text() == "js"
    assert (tmp_path / ".next/standalone/public/favicon.ico").read_text() == "ico"


def test_stage_standalone_needs_the_standalone_output(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="output: 'standalone'"):
        native.stage_standalone(tmp_path)


@pytest.mark.parametrize("mode", ["dev", "start"])
def test_runs_refuse_without_the_services(tmp_path: Path, mode: str) -> None:
    (tmp_path / "polystack.yml").write_text((ROOT / "polystack.yml").read_text())
    with pytest.raises(WorkspaceError, match="make bootstrap"):
        native.run(Manifest.load(tmp_path), mode, skip_prepare=True)
