"""Native mode's configuration: what depends on this machine (ports, the OTLP endpoint),
laid over the files Docker mode uses, so both modes share one Traefik static config (its
hardening included) and one Prometheus scrape config with its alert rules."""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from workspace import vocabulary
from workspace.manifest import Manifest, WorkspaceError

NATIVE_DIR = ".native"
TRAEFIK_STATIC = Path("traefik") / "compose" / "traefik.yml"
DYNAMIC_CONFIG = Path("traefik") / "native" / "dynamic.yml"
# With replicas, the routes Traefik reads: the committed ones, each replica added as a server.
REPLICATED_CONFIG = Path(NATIVE_DIR) / "dynamic.yml"
PROMETHEUS_DIR = Path("observability") / "prometheus"
# Every port native mode listens on, from .env or the environment, with its default; the
# engines' (NATS_PORT, REDIS_PORT) come with them from suite.json.
PORTS = {"EDGE_PORT": 8080, "DASHBOARD_PORT": 8081, "TRAEFIK_METRICS_PORT": 8082,
         "PROMETHEUS_PORT": 9090}  # fmt: skip


def native_ports() -> dict[str, int]:
    """The settings of every port native mode listens on, with their defaults."""
    return {**PORTS, **{e.port_env: e.port for e in vocabulary.engines().values()}}


# Settings of the meta-repo's .env that every native process receives.
SHARED_ENV = ("OTEL_EXPORTER_OTLP_ENDPOINT", "LOG_LEVEL", "LOG_FORMAT")
HEADER = "# Written by `make dev` / `make start` from {source} and .env; do not edit.\n"


@dataclass(frozen=True)
class Settings:
    ports: Mapping[str, int]
    shared_env: Mapping[str, str]
    # Backends run as more than one process (REPLICAS=api=2): by name, the count.
    replicas: Mapping[str, int] = field(default_factory=dict)
    # Every setting as read: .env's, overridden by the environment.
    values: Mapping[str, str] = field(default_factory=dict)

    @property
    def edge(self) -> str:
        return f"http://127.0.0.1:{self.ports['EDGE_PORT']}"

    @property
    def dashboard(self) -> str:
        return f"http://127.0.0.1:{self.ports['DASHBOARD_PORT']}"

    @property
    def prometheus(self) -> str:
        return f"http://127.0.0.1:{self.ports['PROMETHEUS_PORT']}"

    def process_env(self) -> dict[str, str]:
        """What every process receives: the shared settings and the ports (the Procfile
        passes PROMETHEUS_PORT to Prometheus, NATS_PORT to nats-server and to the backends'
        NATS_URL)."""
        return {**self.shared_env, **{key: str(port) for key, port in self.ports.items()}}


def _port(values: Mapping[str, str], key: str, default: int) -> int:
    text = values.get(key, "").strip()
    if not text:
        return default
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise WorkspaceError(f"{key}={text!r} is not a port number (1-65535)")
    return int(text)


def dotenv_values(root: Path) -> dict[str, str]:
    """The meta-repo's .env, parsed as honcho does ({} without one)."""
    from honcho.environ import parse as parse_env

    env_file = root / ".env"
    return dict(parse_env(env_file.read_text(encoding="utf-8"))) if env_file.is_file() else {}


def load_settings(root: Path, environ: Mapping[str, str] | None = None) -> Settings:
    """Settings from the meta-repo's .env, overridden by the environment."""
    values = dotenv_values(root)
    values.update(os.environ if environ is None else environ)
    ports = {key: _port(values, key, default) for key, default in native_ports().items()}
    by_port: dict[int, list[str]] = {}
    for key, port in ports.items():
        by_port.setdefault(port, []).append(key)
    for port, keys in by_port.items():
        if len(keys) > 1:
            raise WorkspaceError(f"{' and '.join(keys)} are all {port}: give each its own port")
    shared = {key: values[key] for key in SHARED_ENV if values.get(key)}
    return Settings(ports, shared, _replicas(values.get("REPLICAS", "")), values)


def _replicas(text: str) -> dict[str, int]:
    """`api=2,orders=3`: how many processes of each backend run behind its Traefik service."""
    runtimes = vocabulary.runtimes()
    backends = sorted(n for n, r in runtimes.items() if r.kind == "backend")
    found: dict[str, int] = {}
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        name, _, count = item.partition("=")
        name, count = name.strip(), count.strip()
        if name not in backends:
            example = backends[0] if backends else "api"
            raise WorkspaceError(f"REPLICAS names {name!r}, which is not a backend of this "
                                 f"platform: use some of {', '.join(backends) or '(none)'}, "
                                 f"e.g. REPLICAS={example}=2")  # fmt: skip
        if not count.isdigit() or not 1 <= int(count) <= 16:
            raise WorkspaceError(f"REPLICAS gives {name} {count!r} replicas: write a whole "
                                 f"number from 1 to 16, e.g. REPLICAS={name}=2")  # fmt: skip
        found[name] = int(count)
    return {name: count for name, count in found.items() if count > 1}


def free_loopback_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def replica_ports(settings: Settings) -> dict[str, list[int]]:
    """A free loopback port for each extra replica (the first keeps the service's port)."""
    return {name: [free_loopback_port() for _ in range(count - 1)]
            for name, count in settings.replicas.items()}  # fmt: skip


def replicated_routes(root: Path, extra: Mapping[str, list[int]]) -> dict[str, Any]:
    """The committed routes with each extra replica a server of its service's balancer."""
    config: dict[str, Any] = yaml.safe_load((root / DYNAMIC_CONFIG).read_text(encoding="utf-8"))
    services = config["http"]["services"]
    for name, ports in extra.items():
        servers = services[name]["loadBalancer"]["servers"]
        servers.extend({"url": f"http://127.0.0.1:{port}"} for port in ports)
    return config


def routes_file(root: Path) -> Path:
    """The routes Traefik reads: the replicated ones when this run wrote them."""
    replicated = root / REPLICATED_CONFIG
    return replicated if replicated.is_file() else root / DYNAMIC_CONFIG


def traefik_static(root: Path, settings: Settings) -> dict[str, Any]:
    """Docker mode's static config with loopback addresses, the native routes and this
    machine's trace endpoint (none: no tracing)."""
    config: dict[str, Any] = yaml.safe_load((root / TRAEFIK_STATIC).read_text(encoding="utf-8"))
    entrypoints = config["entryPoints"]
    for name, key in (("web", "EDGE_PORT"), ("dashboard", "DASHBOARD_PORT"),
                      ("metrics", "TRAEFIK_METRICS_PORT")):  # fmt: skip
        entrypoints[name]["address"] = f"127.0.0.1:{settings.ports[key]}"
    config["providers"] = {"file": {"filename": str(routes_file(root)), "watch": True}}
    endpoint = settings.shared_env.get("OTEL_EXPORTER_OTLP_ENDPOINT")
    if endpoint:
        config["tracing"]["otlp"]["http"]["endpoint"] = endpoint.rstrip("/") + "/v1/traces"
    else:
        config.pop("tracing", None)
    return config


def _loopback_targets(manifest: Manifest, settings: Settings) -> dict[str, str]:
    """Docker mode's hosts, as native mode runs them; a service keeps its port."""
    hosts = {s.name: "127.0.0.1" for s in manifest.services}
    return {
        **hosts,
        "traefik": f"127.0.0.1:{settings.ports['TRAEFIK_METRICS_PORT']}",
        "localhost": f"127.0.0.1:{settings.ports['PROMETHEUS_PORT']}",
    }


def _rewrite(target: str, hosts: Mapping[str, str]) -> str | None:
    host, _, port = target.rpartition(":")
    mapped = hosts.get(host)
    if mapped is None:
        return None  # not run natively (the collector, Tempo)
    return mapped if ":" in mapped else f"{mapped}:{port}"


def prometheus_config(
    manifest: Manifest, settings: Settings, extra: Mapping[str, list[int]] | None = None
) -> dict[str, Any]:
    """Docker mode's scrape config with every target that runs natively moved to loopback,
    the others dropped, and each extra replica (`extra`: their ports by backend) a target of
    its service's group, so every replica's metrics are scraped; the same alert rules."""
    source = manifest.root / PROMETHEUS_DIR
    config: dict[str, Any] = yaml.safe_load((source / "prometheus.yml").read_text(encoding="utf-8"))
    hosts = _loopback_targets(manifest, settings)
    jobs = []
    for job in config.get("scrape_configs", []):
        groups = []
        for group in job.get("static_configs", []):
            targets = [t for t in (_rewrite(t, hosts) for t in group["targets"]) if t]
            replicas = (extra or {}).get(group.get("labels", {}).get("service", ""), [])
            targets += [f"127.0.0.1:{port}" for port in replicas]
            if targets:
                groups.append({**group, "targets": targets})
        if groups:
            jobs.append({**job, "static_configs": groups})
    config["scrape_configs"] = jobs
    config["rule_files"] = [str(source / rule) for rule in config.get("rule_files", [])]
    return config


def write_configs(
    manifest: Manifest, settings: Settings, extra: Mapping[str, list[int]] | None = None
) -> Path:
    """Write .native/traefik.yml and .native/prometheus.yml, and with replicas (`extra`: their
    ports by backend) .native/dynamic.yml; returns the folder."""
    folder = manifest.root / NATIVE_DIR
    folder.mkdir(exist_ok=True)
    replicated = manifest.root / REPLICATED_CONFIG
    replicated.unlink(missing_ok=True)
    if extra:
        text = yaml.safe_dump(replicated_routes(manifest.root, extra), sort_keys=False)
        replicated.write_text(HEADER.format(source=DYNAMIC_CONFIG) + text, encoding="utf-8")
    for name, source, config in (
        ("traefik.yml", TRAEFIK_STATIC, traefik_static(manifest.root, settings)),
        ("prometheus.yml", PROMETHEUS_DIR / "prometheus.yml",
         prometheus_config(manifest, settings, extra)),
    ):  # fmt: skip
        text = HEADER.format(source=source) + yaml.safe_dump(config, sort_keys=False)
        (folder / name).write_text(text, encoding="utf-8")
    return folder
