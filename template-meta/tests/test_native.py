"""Native mode: settings, Traefik's static config, the rendered Procfile and routes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT
from honcho.environ import parse_procfile
from workspace import native
from workspace.manifest import Manifest, WorkspaceError


def test_settings_default_to_the_edge_and_dashboard_ports(tmp_path: Path) -> None:
    settings = native.load_settings(tmp_path, environ={})
    assert (settings.edge_port, settings.dashboard_port) == (8080, 8081)
    assert settings.shared_env == {}


def test_settings_come_from_dotenv_and_the_environment_wins(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        "EDGE_PORT=9000\nDASHBOARD_PORT=9001\nPOSTGRES_PASSWORD=secret\n"
        'OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:4318"\n'
    )
    settings = native.load_settings(tmp_path, environ={"EDGE_PORT": "9100"})
    assert (settings.edge_port, settings.dashboard_port) == (9100, 9001)
    assert settings.shared_env == {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"}


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"EDGE_PORT": "http"}, "not a port"),
        ({"EDGE_PORT": "70000"}, "not a port"),
        ({"EDGE_PORT": "9000", "DASHBOARD_PORT": "9000"}, "both 9000"),
    ],
)
def test_bad_ports_are_rejected(tmp_path: Path, environ: dict[str, str], message: str) -> None:
    with pytest.raises(WorkspaceError, match=message):
        native.load_settings(tmp_path, environ=environ)


def test_static_config_stays_on_loopback(tmp_path: Path) -> None:
    settings = native.Settings(9000, 9001, {})
    config = native.static_config(tmp_path, settings)
    assert config["entryPoints"]["web"]["address"] == "127.0.0.1:9000"
    assert config["entryPoints"]["traefik"]["address"] == "127.0.0.1:9001"
    assert config["accessLog"]["format"] == "json"
    assert config["metrics"]["prometheus"]["entryPoint"] == "traefik"
    assert config["providers"]["file"]["filename"] == str(tmp_path / native.DYNAMIC_CONFIG)
    assert "tracing" not in config


def test_static_config_traces_when_an_endpoint_is_set(tmp_path: Path) -> None:
    settings = native.Settings(8080, 8081, {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://o:4318/"})
    config = native.static_config(tmp_path, settings)
    assert config["tracing"]["otlp"]["http"]["endpoint"] == "http://o:4318/v1/traces"


def test_write_config_writes_yaml_and_the_shared_env(tmp_path: Path) -> None:
    settings = native.Settings(9000, 9001, {"LOG_LEVEL": "debug"})
    folder = native.write_config(tmp_path, settings)
    written = yaml.safe_load((folder / "traefik.yml").read_text())
    assert written == native.static_config(tmp_path, settings)
    assert (folder / "env").read_text() == "LOG_LEVEL=debug\n"


def test_procfile_runs_traefik_and_every_service() -> None:
    manifest = Manifest.load(ROOT)
    processes = parse_procfile((ROOT / native.PROCFILE).read_text()).processes
    assert set(processes) == {"traefik"} | {s.name for s in manifest.services}
    assert ".native/traefik.yml" in processes["traefik"]
    for service in manifest.services:
        command = processes[service.name]
        assert f"cd services/{service.name} " in command
        assert f" PORT={service.port} " in command
        assert ("next start --hostname 127.0.0.1" in command) == service.is_frontend
        assert ("serve" in command) == service.is_backend


def test_honcho_accepts_the_procfile() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "honcho", "check"], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def test_dynamic_config_routes_each_service_to_its_loopback_port() -> None:
    manifest = Manifest.load(ROOT)
    http = yaml.safe_load((ROOT / native.DYNAMIC_CONFIG).read_text())["http"]
    for service in manifest.services:
        router = http["routers"][service.name]
        assert router["rule"] == f"PathPrefix(`{service.route}`)"
        assert router.get("priority") == (1 if service.route == "/" else None)
        servers = http["services"][router["service"]]["loadBalancer"]["servers"]
        assert servers == [{"url": f"http://127.0.0.1:{service.port}"}]
    assert "middlewares" not in http  # backends serve their prefix: nothing is stripped


def test_urls_name_every_route(tmp_path: Path) -> None:
    manifest = Manifest.load(ROOT)
    lines = native.urls(manifest, native.Settings(9000, 9001, {}))
    for service in manifest.services:
        assert any(f"http://127.0.0.1:9000{service.route}" in line for line in lines)


def test_child_env_drops_the_tool_s_virtualenv(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIRTUAL_ENV", "/somewhere/.venv")
    monkeypatch.setenv("PYTHONPATH", "tools")
    env = native.child_env()
    assert "VIRTUAL_ENV" not in env
    assert "PYTHONPATH" not in env


def test_dev_refuses_without_the_services(tmp_path: Path) -> None:
    (tmp_path / "polystack.yml").write_text((ROOT / "polystack.yml").read_text())
    with pytest.raises(WorkspaceError, match="make bootstrap"):
        native.dev(Manifest.load(tmp_path), skip_prepare=True)
