"""Native mode: the platform as local processes (Traefik, uvicorn, `next start`) under honcho.

The Procfile and Traefik's routes (traefik/native/dynamic.yml) are rendered from the
manifest by Copier. This module writes what depends on the machine: Traefik's static configuration
(ports from EDGE_PORT and DASHBOARD_PORT) and the environment shared by every process.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from honcho.environ import parse as parse_env

from workspace.manifest import Manifest, ServiceEntry, WorkspaceError

NATIVE_DIR = ".native"
PROCFILE = "Procfile"
DYNAMIC_CONFIG = Path("traefik") / "native" / "dynamic.yml"
DEFAULT_EDGE_PORT, DEFAULT_DASHBOARD_PORT = 8080, 8081
# Settings of the meta-repo's .env that every native process receives.
SHARED_ENV = ("OTEL_EXPORTER_OTLP_ENDPOINT", "LOG_LEVEL", "LOG_FORMAT")
# Variables of the tool's own environment that must not leak into a service's tools.
PRIVATE_ENV = ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "UV_PROJECT_ENVIRONMENT")


@dataclass(frozen=True)
class Settings:
    edge_port: int
    dashboard_port: int
    shared_env: Mapping[str, str]


def _port(values: Mapping[str, str], key: str, default: int) -> int:
    text = values.get(key, "").strip()
    if not text:
        return default
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise WorkspaceError(f"{key}={text!r} is not a port number (1-65535)")
    return int(text)


def load_settings(root: Path, environ: Mapping[str, str] | None = None) -> Settings:
    """Settings from the meta-repo's .env, overridden by the environment."""
    env_file = root / ".env"
    values = parse_env(env_file.read_text(encoding="utf-8")) if env_file.is_file() else {}
    values.update(os.environ if environ is None else environ)
    edge = _port(values, "EDGE_PORT", DEFAULT_EDGE_PORT)
    dashboard = _port(values, "DASHBOARD_PORT", DEFAULT_DASHBOARD_PORT)
    if edge == dashboard:
        raise WorkspaceError(f"EDGE_PORT and DASHBOARD_PORT are both {edge}: give them two ports")
    shared = {key: values[key] for key in SHARED_ENV if values.get(key)}
    return Settings(edge, dashboard, shared)


def static_config(root: Path, settings: Settings) -> dict[str, Any]:
    """Traefik's static configuration: loopback only, JSON access log, Prometheus, file routes."""
    config: dict[str, Any] = {
        "entryPoints": {
            "web": {"address": f"127.0.0.1:{settings.edge_port}"},
            # api@internal (dashboard), ping and metrics share this loopback entrypoint.
            "traefik": {"address": f"127.0.0.1:{settings.dashboard_port}"},
        },
        "providers": {"file": {"filename": str(root / DYNAMIC_CONFIG), "watch": True}},
        "api": {"dashboard": True, "insecure": True},
        "ping": {"entryPoint": "traefik"},
        "metrics": {
            "prometheus": {
                "entryPoint": "traefik",
                "addEntryPointsLabels": True,
                "addRoutersLabels": True,
                "addServicesLabels": True,
            }
        },
        "log": {"level": "INFO"},
        "accessLog": {"format": "json"},
        "global": {"checkNewVersion": False, "sendAnonymousUsage": False},
    }
    endpoint = settings.shared_env.get("OTEL_EXPORTER_OTLP_ENDPOINT")
    if endpoint:
        config["tracing"] = {
            "serviceName": "traefik",
            "otlp": {"http": {"endpoint": endpoint.rstrip("/") + "/v1/traces"}},
        }
    return config


def write_config(root: Path, settings: Settings) -> Path:
    """Write .native/traefik.yml and .native/env; returns the folder."""
    folder = root / NATIVE_DIR
    folder.mkdir(exist_ok=True)
    header = "# Written by `make dev` from .env and EDGE_PORT/DASHBOARD_PORT; do not edit.\n"
    config = yaml.safe_dump(static_config(root, settings), sort_keys=False)
    (folder / "traefik.yml").write_text(header + config, encoding="utf-8")
    lines = [f"{key}={value}" for key, value in settings.shared_env.items()]
    (folder / "env").write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return folder


def child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in PRIVATE_ENV}
    env.setdefault("NEXT_TELEMETRY_DISABLED", "1")
    env.setdefault("UV_PYTHON_DOWNLOADS", "never")
    return env


def prepare_commands(service: ServiceEntry) -> list[list[str]]:
    if service.is_backend:
        return [["uv", "sync"]]
    return [["pnpm", "install", "--frozen-lockfile"], ["pnpm", "build"]]


def prepare(manifest: Manifest) -> None:
    """Install each service's dependencies and build the frontends."""
    for service in manifest.services:
        path = manifest.service_dir(service.name)
        if service.is_backend:
            (path / "data").mkdir(exist_ok=True)  # where the default SQLite database lives
        for command in prepare_commands(service):
            print(f"==> {service.name}: {' '.join(command)}", flush=True)
            done = subprocess.run(command, cwd=path, env=child_env(), check=False)
            if done.returncode != 0:
                raise WorkspaceError(f"{' '.join(command)} failed in {path}")


def urls(manifest: Manifest, settings: Settings) -> list[str]:
    origin = f"http://127.0.0.1:{settings.edge_port}"
    lines = [f"platform    {origin}/"]
    for service in manifest.services:
        route = service.route.rstrip("/") + "/"
        lines.append(
            f"{service.name:<11} {origin}{route}  (direct: http://127.0.0.1:{service.port})"
        )
    lines.append(f"dashboard   http://127.0.0.1:{settings.dashboard_port}/dashboard/")
    lines.append(f"metrics     http://127.0.0.1:{settings.dashboard_port}/metrics")
    return lines


def honcho_command(root: Path) -> list[str]:
    return [
        sys.executable, "-m", "honcho", "--app-root", str(root), "--procfile", PROCFILE,
        "--env", f"{NATIVE_DIR}/env", "start",
    ]  # fmt: skip


def check_ready(manifest: Manifest) -> None:
    missing = [s.name for s in manifest.services if not manifest.service_dir(s.name).is_dir()]
    if missing:
        raise WorkspaceError(f"missing under services/: {', '.join(missing)}; run `make bootstrap`")
    if not (manifest.root / PROCFILE).is_file():
        raise WorkspaceError(f"{PROCFILE} is missing: run `make update` to render it again")


def dev(manifest: Manifest, *, skip_prepare: bool = False) -> None:
    """Prepare, configure and run the platform in the foreground; Ctrl-C stops it all."""
    check_ready(manifest)
    settings = load_settings(manifest.root)
    write_config(manifest.root, settings)
    if not skip_prepare:
        prepare(manifest)
    print("\n".join(["", "The platform (Ctrl-C stops everything):", *urls(manifest, settings), ""]))
    sys.stdout.flush()
    os.chdir(manifest.root)
    command = honcho_command(manifest.root)
    os.execve(command[0], command, child_env())
