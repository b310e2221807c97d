"""The meta-repo's Docker, observability, Kubernetes, Swarm and CI configs pass their real tools.

The meta-repo is rendered once per manifest (1, 3 and 12 services of mixed kinds); every
config it generates is then checked by the tool that will read it in production.
"""

from __future__ import annotations

import http.server
import itertools
import json
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml
from local_ci import check_local_ci

from helpers import edge_rule, free_port, render, run, tool
from manifests import ENGINE_URLS, ENGINES, MANIFESTS
from services import postgres_server

pytestmark = [pytest.mark.generated, pytest.mark.xdist_group("meta-configs")]

PROFILES = ("postgres",)
YAMLLINT_CONFIG = json.dumps(
    {
        "extends": "default",
        "rules": {
            "line-length": {"max": 120},
            "document-start": "disable",
            "truthy": {"check-keys": False},
            "comments": {"min-spaces-from-content": 1},
        },
    }
)


class Meta:
    """A rendered meta-repo and the manifest it was rendered from."""

    def __init__(self, root: Path, manifest: list[dict[str, Any]]) -> None:
        self.root = root
        self.manifest = manifest
        recorded = yaml.safe_load((root / "polystack.yml").read_text())
        self.resolved = recorded["services"]
        self.engines: list[str] = recorded["engines"]
        self.backends = [s for s in self.resolved if s["kind"] == "backend"]
        self.frontends = [s for s in self.resolved if s["kind"] == "frontend"]

    def load(self, relative: str) -> Any:
        return yaml.safe_load((self.root / relative).read_text())


@pytest.fixture(scope="module", params=sorted(MANIFESTS))
def meta(
    request: pytest.FixtureRequest, template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Meta:
    name = request.param
    root = render(
        template,
        tmp_path_factory.mktemp(f"meta-{name}") / "platform",
        {"template_kind": "meta", "project_name": "Acme Shop", "services": MANIFESTS[name],
         "engines": ENGINES[name]},
    )  # fmt: skip
    return Meta(root, MANIFESTS[name])


# ---- Docker mode ----------------------------------------------------------------------------


def compose(meta: Meta, profiles: tuple[str, ...], *args: str) -> str:
    env = {"COMPOSE_PROFILES": ",".join(profiles)}
    return run([tool("docker-compose"), *args], cwd=meta.root, env=env).stdout


@pytest.fixture(scope="module")
def dotenv(meta: Meta) -> Path:
    """The `.env` a newcomer makes: a copy of `.env.example`."""
    target = meta.root / ".env"
    target.write_text((meta.root / ".env.example").read_text())
    return target


def test_compose_refuses_to_start_without_the_env_file(meta: Meta, tmp_path: Path) -> None:
    empty = tmp_path / "empty.env"
    empty.write_text("")
    cmd = [tool("docker-compose"), "--env-file", str(empty), "config", "-q"]
    proc = run(cmd, cwd=meta.root, check=False)
    assert proc.returncode != 0
    assert "copy .env.example to .env" in proc.stdout


@pytest.mark.parametrize(
    "profiles",
    [c for n in range(len(PROFILES) + 1) for c in itertools.combinations(PROFILES, n)],
    ids=lambda c: "+".join(c) or "none",
)
def test_compose_config_is_valid_for_each_profile_combination(
    meta: Meta, dotenv: Path, profiles: tuple[str, ...]
) -> None:
    # `config` validates the file as `config -q` does, and prints the resolved model.
    model = json.loads(compose(meta, profiles, "config", "--format", "json"))
    services = model["services"]
    expected = {s["name"] for s in meta.resolved} | set(profiles) | set(meta.engines)
    expected |= {"traefik", "otel-collector", "tempo", "prometheus", "grafana"}
    assert set(services) == expected
    # `docker compose up --wait` means ready only if every container has a healthcheck.
    for name, service in services.items():
        assert service.get("healthcheck", {}).get("test"), f"{name} has no healthcheck"
    assert all(not net.get("external") for net in model.get("networks", {}).values())
    for backend in meta.backends:
        env = services[backend["name"]]["environment"]
        if "postgres" in profiles:
            database = backend["name"].replace("-", "_")
            pattern = rf"postgresql\+asyncpg://platform:[^@]+@postgres:5432/{database}"
            assert re.fullmatch(pattern, env["DATABASE_URL"])
        assert env["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://otel-collector:4318"
        assert env["OTEL_SERVICE_NAME"] == backend["name"]
        assert env["PORT"] == str(backend["port"])
        # Every engine the manifest names: its URL, and the backend starts once it is healthy.
        engines = {ENGINE_URLS[e][0]: ENGINE_URLS[e][1] for e in meta.engines}
        assert {k: v for k, v in env.items() if k in ("NATS_URL", "REDIS_URL")} == engines
        waits = services[backend["name"]]["depends_on"]
        for engine in meta.engines:
            assert waits[engine]["condition"] == "service_healthy", backend["name"]
    for frontend in meta.frontends:
        env = services[frontend["name"]]["environment"]
        if meta.backends:
            first = meta.backends[0]
            assert env["BACKEND_URL"] == f"http://{first['name']}:{first['port']}"
        else:
            assert "BACKEND_URL" not in env
        assert services[frontend["name"]]["build"]["context"] == str(
            meta.root / "services" / frontend["name"]
        )
    published = {(p["published"], p["target"]) for p in services["traefik"]["ports"]}
    assert published == {("8080", 8080), ("8081", 8081)}


def test_compose_file_matches_the_compose_spec(meta: Meta) -> None:
    run([tool("check-jsonschema"), "--builtin-schema", "vendor.compose-spec", "compose.yaml"],
        cwd=meta.root)  # fmt: skip


@pytest.fixture(scope="module")
def postgres_admin() -> Iterator[str]:
    with postgres_server() as admin:
        yield f"{admin}/postgres"


def test_postgres_creates_one_database_per_backend(meta: Meta, postgres_admin: str) -> None:
    psql = tool("psql")
    query = "select datname from pg_database where not datistemplate and datname <> 'postgres'"
    script = "postgres/initdb/create-databases.sql"
    run([psql, postgres_admin, "-v", "ON_ERROR_STOP=1", "-f", script], cwd=meta.root)
    names = set(run([psql, postgres_admin, "-tAc", query]).stdout.split())
    for name in names:  # the next manifest starts from an empty server
        run([psql, postgres_admin, "-c", f'DROP DATABASE "{name}"'])
    assert names == {b["name"].replace("-", "_") for b in meta.backends}


# ---- Traefik --------------------------------------------------------------------------------


@contextmanager
def traefik(static: dict[str, Any] | list[str], workdir: Path) -> Iterator[Path]:
    """The real Traefik binary with this static config (a file's content, or command-line
    flags); fails if it logs an error or a warning other than its health checks of servers
    that do not run here."""
    config = workdir / "traefik-static.yml"
    if isinstance(static, dict):
        config.write_text(yaml.safe_dump(static))
        static = [f"--configFile={config}"]
    log = workdir / "traefik.log"
    with log.open("w") as sink:
        proc = subprocess.Popen([tool("traefik"), *static], stdout=sink, stderr=subprocess.STDOUT)
    try:
        yield config
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    problems = [
        line for line in log.read_text().splitlines()
        if re.search(r'"level":"(warn|error|fatal)"', line) and "Health check failed" not in line
    ]  # fmt: skip
    assert not problems, "\n".join(problems)


def traefik_objects(api: str, kind: str, expected: set[str]) -> dict[str, Any]:
    """Traefik's API list of `kind` (e.g. http/routers) by name, once it holds `expected`:
    the file provider loads a moment after the API starts answering."""
    deadline = time.monotonic() + 20
    found: dict[str, Any] = {}
    while True:
        try:
            with urllib.request.urlopen(f"{api}/{kind}", timeout=2) as response:
                found = {item["name"]: item for item in json.load(response)}
            if expected <= set(found):
                return found
        except OSError:
            if time.monotonic() > deadline:
                raise
        if time.monotonic() > deadline:
            raise AssertionError(f"Traefik has {sorted(found)}, not all of {sorted(expected)}")
        time.sleep(0.2)


def test_traefik_loads_the_compose_routes_of_the_manifest(meta: Meta, tmp_path: Path) -> None:
    """The compose static and dynamic config, moved to free loopback ports; the file provider
    reads the rendered routes as they are."""
    static = meta.load("traefik/compose/traefik.yml")
    dashboard = free_port()
    for entrypoint in ("web", "metrics"):
        static["entryPoints"][entrypoint]["address"] = f"127.0.0.1:{free_port()}"
    static["entryPoints"]["dashboard"]["address"] = f"127.0.0.1:{dashboard}"
    static["providers"]["file"]["directory"] = str(meta.root / "traefik/compose/dynamic")
    static["tracing"]["otlp"]["http"]["endpoint"] = f"http://127.0.0.1:{free_port()}/v1/traces"
    with traefik(static, tmp_path) as config:
        check_compose_routes(meta, f"http://127.0.0.1:{dashboard}/api")
        # The compose healthcheck command, run against this instance.
        run([tool("traefik"), "healthcheck", f"--configFile={config}"])


def check_compose_routes(meta: Meta, api: str) -> None:
    names = {f"{service['name']}@file" for service in meta.resolved}
    routers = traefik_objects(api, "http/routers", names | {"dashboard@file"})
    for service in meta.resolved:
        router = routers[f"{service['name']}@file"]
        assert router["status"] == "enabled"
        assert router["rule"] == edge_rule(service["route"])
        assert router["entryPoints"] == ["web"]
        assert router["middlewares"] == ["security-headers@file"]
    assert routers["dashboard@file"]["status"] == "enabled"
    # The catch-all frontend loses to every prefix.
    root = [r for r in routers.values() if r["rule"] == "PathPrefix(`/`)"]
    assert all(r["priority"] == 1 for r in root)
    middlewares = traefik_objects(api, "http/middlewares", {"security-headers@file"})
    assert middlewares["security-headers@file"]["status"] == "enabled"
    services = traefik_objects(api, "http/services", names)
    for service in meta.resolved:
        assert services[f"{service['name']}@file"]["status"] == "enabled"


# ---- Prometheus, collector, Grafana ---------------------------------------------------------


def test_prometheus_config_and_rules_pass_promtool(meta: Meta) -> None:
    prometheus = meta.root / "observability/prometheus"
    out = run(["promtool", "check", "config", "prometheus.yml"], cwd=prometheus).stdout
    assert "SUCCESS: 1 rule files found" in out
    run(["promtool", "check", "rules", "rules/alerts.yml"], cwd=prometheus)
    run(["promtool", "test", "rules", "prometheus/tests/alerts.test.yml"],
        cwd=prometheus.parent)  # fmt: skip
    jobs = {
        j["job_name"]: j
        for j in meta.load("observability/prometheus/prometheus.yml")["scrape_configs"]
    }
    assert {"prometheus", "traefik", "otel-collector", "otel-collector-exporter", "tempo"} <= set(
        jobs
    )
    for kind, services in (("backend", meta.backends), ("frontend", meta.frontends)):
        targets = jobs.get(f"{kind}s", {}).get("static_configs", [])
        assert sorted(t["labels"]["service"] for t in targets) == sorted(
            s["name"] for s in services
        )
        for target, service in zip(targets, services, strict=True):
            assert target["targets"] == [f"{service['name']}:{metrics_port(meta, service)}"]
            assert target["labels"]["kind"] == kind
            assert "__metrics_path__" not in target["labels"]  # /metrics, outside any prefix


def metrics_port(meta: Meta, service: dict[str, Any]) -> int:
    """Where a service serves its metrics in compose: a backend on its port, a frontend on the
    METRICS_PORT compose gives it, another port than the one Traefik routes to."""
    if service["kind"] == "backend":
        return int(service["port"])
    environment = meta.load("compose.yaml")["services"][service["name"]]["environment"]
    port = int(environment["METRICS_PORT"])
    assert port != service["port"]
    return port


COLLECTOR_SECTIONS = ("receivers", "processors", "exporters", "connectors")


def test_collector_pipelines_use_only_defined_components(meta: Meta) -> None:
    config = meta.load("observability/otel-collector/config.yaml")
    service = config["service"]
    used: dict[str, set[str]] = {section: set() for section in COLLECTOR_SECTIONS}
    assert service["pipelines"], "the collector has no pipeline"
    for name, pipeline in service["pipelines"].items():
        assert name.split("/")[0] in {"traces", "metrics", "logs"}, name
        assert pipeline["receivers"] and pipeline["exporters"], name
        for section in ("receivers", "processors", "exporters"):
            for component in pipeline.get(section, []):
                defined = set(config.get(section) or {}) | set(config.get("connectors") or {})
                assert component in defined, f"pipeline {name} uses undefined {component}"
                used[
                    "connectors" if component in (config.get("connectors") or {}) else section
                ].add(component)
        # The memory limiter only protects the collector when it runs first.
        assert pipeline.get("processors", ["memory_limiter"])[0] == "memory_limiter", name
    for section in COLLECTOR_SECTIONS:
        assert set(config.get(section) or {}) == used[section], f"unused {section}"
    assert set(service.get("extensions", [])) == set(config.get("extensions") or {})
    # The compose healthcheck asks the health_check extension on its port.
    compose_file = (meta.root / "compose.yaml").read_text()
    port = config["extensions"]["health_check"]["endpoint"].rsplit(":", 1)[1]
    assert f"http://127.0.0.1:{port}/" in compose_file


def grafana_expressions(dashboard: dict[str, Any]) -> Iterator[str]:
    for panel in dashboard["panels"]:
        for target in panel["targets"]:
            yield target["expr"]
    for variable in dashboard["templating"]["list"]:
        query = variable["query"]["query"]
        match = re.fullmatch(r"label_values\((.+), \w+\)", query)
        assert match, query
        yield match.group(1)


def test_grafana_dashboards_resolve_datasources_and_their_queries_parse(
    meta: Meta, tmp_path: Path
) -> None:
    provisioning = meta.load("observability/grafana/provisioning/datasources/datasources.yml")
    uids = {d["uid"]: d["type"] for d in provisioning["datasources"]}
    assert uids == {"prometheus": "prometheus", "tempo": "tempo"}
    for d in provisioning["datasources"]:
        for link in d.get("jsonData", {}).get("exemplarTraceIdDestinations", []):
            assert link["datasourceUid"] in uids
    provider = meta.load("observability/grafana/provisioning/dashboards/dashboards.yml")
    assert provider["providers"][0]["options"]["path"] == "/var/lib/grafana/dashboards"
    boards = sorted((meta.root / "observability/grafana/dashboards").glob("*.json"))
    assert [b.stem for b in boards] == ["backend", "frontend", "traefik"]
    rules = []
    seen_uids = set()
    for board in boards:
        dashboard = json.loads(board.read_text())
        assert dashboard["uid"] not in seen_uids
        seen_uids.add(dashboard["uid"])
        for panel in dashboard["panels"]:
            refs = [panel["datasource"]] + [t["datasource"] for t in panel["targets"]]
            for ref in refs:
                assert uids.get(ref["uid"]) == ref["type"], f"{board.name}: {panel['title']}"
        for variable in dashboard["templating"]["list"]:
            assert uids.get(variable["datasource"]["uid"]) == variable["datasource"]["type"]
        for expr in grafana_expressions(dashboard):
            concrete = (
                expr.replace("$__rate_interval", "5m")
                .replace("${service:regex}", ".+")
                .replace("$service", ".+")
            )
            assert "$" not in concrete, expr
            rules.append({"record": f"dashboard:{board.stem}:{len(rules)}", "expr": concrete})
    # promtool parses every query of every panel (as recording rules).
    rule_file = tmp_path / "dashboard-queries.yml"
    rule_file.write_text(yaml.safe_dump({"groups": [{"name": "dashboards", "rules": rules}]}))
    run(["promtool", "check", "rules", str(rule_file)])
    backend = (meta.root / "observability/grafana/dashboards/backend.json").read_text()
    assert "http_requests_total" in backend and "http_request_duration_seconds_bucket" in backend


# ---- every YAML -----------------------------------------------------------------------------


def test_every_yaml_file_passes_yamllint(meta: Meta) -> None:
    files = [
        p for p in meta.root.rglob("*")
        if p.suffix in {".yml", ".yaml"}
        and not {"services", ".git"} & set(p.relative_to(meta.root).parts)
        and p.name != ".copier-answers.yml"  # written by Copier itself
    ]  # fmt: skip
    assert len(files) > 8
    run([tool("yamllint"), "--strict", "-d", YAMLLINT_CONFIG, *files], cwd=meta.root)


# ---- Kubernetes -----------------------------------------------------------------------------

TRAEFIK_API = "traefik.io/v1alpha1"
MIDDLEWARE_TYPES = {"headers", "rateLimit", "redirectScheme", "compress", "stripPrefix"}
OVERLAY_NAMESPACES = {"dev": "acme-shop-dev", "staging": "acme-shop-staging", "prod": "acme-shop"}
OVERLAY_HOSTS = {"dev": "localhost", "staging": "staging.localhost", "prod": "localhost"}
# The image tag each service runs: a branch's latest build, or (None) the release it pins.
OVERLAY_TAGS = {"dev": "main", "staging": "dev", "prod": None}


def kustomize(meta: Meta, overlay: str) -> list[dict[str, Any]]:
    out = run([tool("kubectl"), "kustomize", f"deploy/k8s/overlays/{overlay}"], cwd=meta.root)
    return [doc for doc in yaml.safe_load_all(out.stdout) if doc]


@pytest.mark.parametrize("overlay", sorted(OVERLAY_NAMESPACES))
def test_kubernetes_overlay_composes_every_service_and_validates(
    meta: Meta, overlay: str, tmp_path: Path
) -> None:
    docs = kustomize(meta, overlay)
    namespace = OVERLAY_NAMESPACES[overlay]
    core = [d for d in docs if d["apiVersion"] != TRAEFIK_API]
    manifest = tmp_path / "core.yaml"
    manifest.write_text(yaml.safe_dump_all(core))
    run([tool("kubernetes-validate"), "--strict", "-k", "1.33.0", str(manifest)])

    kinds: dict[str, set[str]] = {}
    for doc in docs:
        kinds.setdefault(doc["kind"], set()).add(doc["metadata"]["name"])
        if doc["kind"] == "Namespace":
            assert doc["metadata"]["name"] == namespace
        else:
            assert doc["metadata"]["namespace"] == namespace, doc["metadata"]["name"]
    names = {s["name"] for s in meta.resolved}
    for kind in ("Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget",
                 "ConfigMap", "Ingress"):  # fmt: skip
        assert names <= kinds[kind], kind
    assert kinds["Namespace"] == {namespace}
    assert kinds["Middleware"] == {"security-headers", "rate-limit"}

    middlewares = {f"{namespace}-{d['metadata']['name']}@kubernetescrd" for d in docs
                   if d["kind"] == "Middleware"}  # fmt: skip
    routes = {}
    for ingress in (d for d in docs if d["kind"] == "Ingress"):
        annotations = ingress["metadata"]["annotations"]
        used = annotations["traefik.ingress.kubernetes.io/router.middlewares"].split(",")
        assert set(used) == middlewares, ingress["metadata"]["name"]
        assert ingress["spec"]["ingressClassName"] == "traefik"
        host = OVERLAY_HOSTS[overlay]
        if overlay != "dev":
            assert annotations["traefik.ingress.kubernetes.io/router.tls"] == "true"
            assert ingress["spec"]["tls"] == [{"hosts": [host], "secretName": "acme-shop-tls"}]
        for rule in ingress["spec"]["rules"]:
            assert rule["host"] == host, ingress["metadata"]["name"]
            for path in rule["http"]["paths"]:
                routes[ingress["metadata"]["name"]] = path["path"]
    assert routes == {s["name"]: s["route"] for s in meta.resolved}

    images = {
        c["image"] for d in docs if d["kind"] == "Deployment"
        for c in d["spec"]["template"]["spec"]["containers"]
    }  # fmt: skip
    for service in meta.resolved:
        tag = OVERLAY_TAGS[overlay] or service["ref"].removeprefix("v")
        assert f"ghcr.io/acme/acme-shop-{service['name']}:{tag}" in images


def test_traefik_crds_are_well_formed_and_load_in_traefik(meta: Meta, tmp_path: Path) -> None:
    """kubernetes-validate has no schema for Traefik's CRDs: check their shape, then load
    their specs into the real Traefik (its file provider reads the same fields) and send a
    request through them."""
    crds = [d for d in kustomize(meta, "prod") if d["apiVersion"] == TRAEFIK_API]
    middlewares: dict[str, Any] = {}
    for crd in crds:
        assert crd["kind"] == "Middleware"
        assert set(crd) == {"apiVersion", "kind", "metadata", "spec"}
        assert re.fullmatch(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", crd["metadata"]["name"])
        (kind,) = crd["spec"]
        assert kind in MIDDLEWARE_TYPES
        middlewares[crd["metadata"]["name"]] = crd["spec"]
    dynamic = tmp_path / "dynamic"
    dynamic.mkdir()
    router = {"entryPoints": ["web"], "rule": "PathPrefix(`/`)", "service": "noop@internal",
              "middlewares": sorted(middlewares)}  # fmt: skip
    (dynamic / "crds.yml").write_text(
        yaml.safe_dump({"http": {"middlewares": middlewares, "routers": {"probe": router}}})
    )
    web, dashboard = free_port(), free_port()
    static = {
        "entryPoints": {"web": {"address": f"127.0.0.1:{web}"},
                        "traefik": {"address": f"127.0.0.1:{dashboard}"}},
        "api": {"insecure": True},
        "providers": {"file": {"directory": str(dynamic)}},
        "log": {"format": "json"},
        "global": {"checkNewVersion": False, "sendAnonymousUsage": False},
    }  # fmt: skip
    with traefik(static, tmp_path):
        api = f"http://127.0.0.1:{dashboard}/api"
        expected = {f"{name}@file" for name in middlewares}
        loaded = traefik_objects(api, "http/middlewares", expected)
        for name in expected:
            assert loaded[name]["status"] == "enabled", loaded
        probe = traefik_objects(api, "http/routers", {"probe@file"})["probe@file"]
        assert probe["status"] == "enabled", probe
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{web}/", timeout=5) as answer:
                headers = answer.headers
        except urllib.error.HTTPError as refused:  # noop@internal answers 418
            headers = refused.headers
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"


# ---- Swarm ----------------------------------------------------------------------------------


def test_swarm_stack_is_valid_with_rolling_updates_that_roll_back(
    meta: Meta, tmp_path: Path
) -> None:
    stack = ["-f", "deploy/swarm/stack.yml"]
    env = {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector.internal:4318"}
    run([tool("docker-compose"), *stack, "config", "-q"], cwd=meta.root, env=env)
    out = run(
        [tool("docker-compose"), *stack, "config", "--format", "json"], cwd=meta.root, env=env
    )
    model = json.loads(out.stdout[out.stdout.index("{") :])
    services = model["services"]
    migrations = {f"{b['name']}-migrate" for b in meta.backends}
    assert set(services) == {"traefik", *meta.engines} | {s["name"] for s in meta.resolved} | (
        migrations
    )  # fmt: skip
    for name, service in services.items():
        assert service["read_only"] and service["cap_drop"] == ["ALL"], name
        deploy = service["deploy"]
        assert deploy["resources"]["limits"]["memory"], name
        assert deploy["restart_policy"]["condition"] == "on-failure", name
        if name in meta.engines:
            # One replica keeps its data in its volume; backends wait for it to be healthy.
            assert deploy["replicas"] == 1 and service["healthcheck"]["test"], name
            assert [v["source"] for v in service["volumes"]] == [f"{name}-data"], name
            continue
        if name in migrations:
            assert deploy["mode"] == "replicated-job"
            assert service["secrets"][0]["source"] == name.replace("-migrate", "-database-url")
            continue
        assert deploy["replicas"] >= 2, name
        assert deploy["update_config"]["failure_action"] == "rollback", name
        assert deploy["update_config"]["order"] == "start-first", name
        assert deploy["rollback_config"]["parallelism"] == 1, name
        assert deploy["resources"]["reservations"]["memory"], name
        assert service["healthcheck"]["test"], name
    for resolved in meta.resolved:
        tag = resolved["ref"].removeprefix("v")
        image = f"ghcr.io/acme/acme-shop-{resolved['name']}:{tag}"
        assert services[resolved["name"]]["image"] == image
    assert {n for n, s in model.get("secrets", {}).items() if s["external"]} == {
        f"{b['name']}-database-url" for b in meta.backends
    }
    assert model["networks"]["platform"]["driver"] == "overlay"
    routes = model["configs"]["traefik-routes"]["file"]
    assert routes == str(meta.root / "traefik/compose/dynamic/routes.yml")

    # Docker mode's static configuration, hardening included, but for the provider (one
    # file, a Swarm config) and the trace endpoint (the cluster's collector).
    def as_flags(config: Any, path: str = "") -> set[str]:
        if not isinstance(config, dict):
            value = str(config).lower() if isinstance(config, bool) else str(config)
            return {f"--{path}={value}"}
        return {flag for key, item in config.items()
                for flag in as_flags(item, f"{path}.{key}" if path else key)}  # fmt: skip

    static = meta.load("traefik/compose/traefik.yml")
    del static["providers"], static["tracing"]["otlp"]
    command = as_flags(static)
    assert command < set(services["traefik"]["command"])
    assert "--entryPoints.web.http.encodedCharacters.allowEncodedSlash=false" in command

    # Traefik accepts every flag the stack gives it and loads the routes.
    dashboard = free_port()
    flags = []
    for flag in services["traefik"]["command"]:
        key = flag.split("=", 1)[0]
        if key.endswith(".address"):
            port = dashboard if key == "--entryPoints.dashboard.address" else free_port()
            flag = f"{key}=127.0.0.1:{port}"
        elif key == "--providers.file.filename":
            flag = f"{key}={routes}"
        elif key == "--tracing.otlp.http.endpoint":
            flag = f"{key}=http://127.0.0.1:{free_port()}/v1/traces"
        flags.append(flag)
    with traefik(flags, tmp_path):
        check_compose_routes(meta, f"http://127.0.0.1:{dashboard}/api")


# ---- one runtime description, four modes ------------------------------------------------------


def _mebibytes(quantity: str) -> int:
    """512Mi (Kubernetes) and 512M (Docker, binary too) as MiB."""
    return int(quantity.removesuffix("i").removesuffix("M"))


def test_every_mode_runs_each_service_as_one_description_says(meta: Meta) -> None:
    """Compose, Swarm, Kubernetes and native mode probe each service at the same readiness
    path and port, give it the same core environment, limits and writable paths: each is
    read from the rendered files, then compared across the modes."""
    compose = meta.load("compose.yaml")["services"]
    swarm = meta.load("deploy/swarm/stack.yml")["services"]
    base = kustomize_base(meta)
    pods = {d["metadata"]["name"]: d["spec"]["template"]["spec"]
            for d in base if d["kind"] == "Deployment"}  # fmt: skip
    configs = {d["metadata"]["name"]: d["data"] for d in base if d["kind"] == "ConfigMap"}
    native = json.loads((meta.root / "tools/workspace/suite.json").read_text())["services"]
    procfile = dict(line.split(": ", 1) for line in (meta.root / "Procfile").read_text()
                    .splitlines() if line and not line.startswith("#"))  # fmt: skip
    backend = meta.backends[0]
    for service in meta.resolved:
        name, port = service["name"], service["port"]
        prefix = "" if service["route"] == "/" else service["route"]
        ready = f"{prefix}/readyz" if service["kind"] == "backend" else f"{prefix}/healthz"
        url = f"http://127.0.0.1:{port}{ready}"
        pod = pods[name]
        (container,) = pod["containers"]
        # The probe: one command for both container modes, one path for Kubernetes and native.
        assert compose[name]["healthcheck"]["test"] == swarm[name]["healthcheck"]["test"]
        assert url in compose[name]["healthcheck"]["test"][-1], name
        assert container["readinessProbe"]["httpGet"]["path"] == ready, name
        assert container["livenessProbe"]["httpGet"]["path"] == f"{prefix}/healthz", name
        assert container["ports"][0]["containerPort"] == port
        assert native[name]["readiness"] == url
        assert f" PORT={port} " in procfile[name]
        # The environment every mode sets alike, with each mode's own addresses.
        core = {"HOST": "0.0.0.0", "PORT": str(port), "OTEL_SERVICE_NAME": name}
        if service["kind"] == "frontend":
            core |= {"HOSTNAME": "0.0.0.0",
                     "BACKEND_URL": f"http://{backend['name']}:{backend['port']}"}  # fmt: skip
            assert f" BACKEND_URL=http://127.0.0.1:{backend['port']} " in procfile[name]
        else:
            # The engines' URLs: by service name in containers, on loopback natively.
            for variable, url, native_url in (ENGINE_URLS[e] for e in meta.engines):
                core[variable] = url
                assert f' {variable}="{native_url}" ' in procfile[name], procfile[name]
        for env in (compose[name]["environment"], swarm[name]["environment"], configs[name]):
            assert core.items() <= env.items(), name
        # Limits and the writable paths on a read-only root filesystem.
        limits = swarm[name]["deploy"]["resources"]["limits"]
        assert _mebibytes(limits["memory"]) == _mebibytes(
            container["resources"]["limits"]["memory"]
        )
        assert limits["cpus"] == container["resources"]["limits"]["cpu"]
        writable = {v["target"] for v in swarm[name]["volumes"] if v["type"] == "tmpfs"}
        assert writable == set(compose[name]["tmpfs"]), name
        assert writable == {m["mountPath"] for m in container["volumeMounts"]}, name
        if service["kind"] == "backend":
            (migrate,) = pod["initContainers"]
            assert " ".join(migrate["command"]) in swarm[f"{name}-migrate"]["command"][-1]


def kustomize_base(meta: Meta) -> list[dict[str, Any]]:
    out = run([tool("kubectl"), "kustomize", "deploy/k8s/base"], cwd=meta.root)
    return [doc for doc in yaml.safe_load_all(out.stdout) if doc]


# ---- CI -------------------------------------------------------------------------------------

CHECKOUT = "actions/checkout@"


def test_update_workflow_is_weekly_least_privileged_and_runs_the_workspace_tool(
    meta: Meta,
) -> None:
    workflow = meta.root / ".github/workflows/polystack-update.yml"
    run([tool("actionlint"), str(workflow)], cwd=meta.root)
    run([tool("zizmor"), "--offline", "--min-severity", "low", str(workflow)], cwd=meta.root)
    run([tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(workflow)])
    loaded = yaml.safe_load(workflow.read_text())
    assert set(loaded[True]) == {"schedule", "workflow_dispatch"}  # YAML 1.1 reads `on` as True
    assert loaded["permissions"] == {}
    job = loaded["jobs"]["update"]
    assert job["permissions"] == {"contents": "write", "pull-requests": "write"}
    assert all("@" in s["uses"] and len(s["uses"].split("@")[1]) == 40
               for s in job["steps"] if "uses" in s)  # fmt: skip
    assert "tools/workspace update-here" in job["steps"][2]["run"]


def test_integration_workflow_checks_out_every_service_at_its_pinned_ref(meta: Meta) -> None:
    workflow = meta.root / ".github/workflows/integration.yml"
    run([tool("actionlint"), str(workflow)], cwd=meta.root)
    run([tool("zizmor"), "--offline", "--min-severity", "low", str(workflow)], cwd=meta.root)
    run([tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(workflow)])
    loaded = yaml.safe_load(workflow.read_text())
    assert loaded["permissions"] == {"contents": "read"}
    assert loaded["concurrency"]["cancel-in-progress"] is True
    steps = loaded["jobs"]["platform"]["steps"]
    checkouts = [s for s in steps if s.get("uses", "").startswith(CHECKOUT)]
    assert all(s["with"]["persist-credentials"] is False for s in checkouts)
    pinned = {s["with"]["path"]: s["with"]["ref"] for s in checkouts if "path" in s["with"]}
    assert pinned == {f"services/{s['name']}": s["ref"] for s in meta.resolved}
    for service in meta.resolved:
        step = next(s for s in checkouts if s["with"].get("path") == f"services/{service['name']}")
        assert step["with"]["repository"] == f"acme/acme-shop-{service['name']}"
    commands = "\n".join(s.get("run", "") for s in steps)
    assert "docker compose up --build --wait" in commands
    assert "python ci/smoke.py" in commands


def test_ci_runs_locally_with_act_or_the_same_make_targets(meta: Meta) -> None:
    check_local_ci(meta.root)


def action_pins(workflow: dict[str, Any]) -> dict[str, str]:
    """action -> the commit every step of the workflow pins it to."""
    pins: dict[str, str] = {}
    for job in workflow["jobs"].values():
        for step in job.get("steps", []):
            if "uses" in step:
                action, _, ref = step["uses"].partition("@")
                assert re.fullmatch(r"[0-9a-f]{40}", ref), step["uses"]
                assert pins.setdefault(action, ref) == ref, step["uses"]
    return pins


def test_infra_workflow_plans_each_cloud_with_short_lived_credentials(meta: Meta) -> None:
    workflow = meta.root / ".github/workflows/infra.yml"
    run([tool("actionlint"), str(workflow)], cwd=meta.root)
    run([tool("zizmor"), "--offline", "--min-severity", "low", str(workflow)], cwd=meta.root)
    run([tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(workflow)])
    loaded = meta.load(".github/workflows/infra.yml")
    triggers = loaded.get("on") or loaded[True]  # YAML 1.1 reads `on` as true
    assert "deploy/terraform/**" in triggers["pull_request"]["paths"]
    assert loaded["permissions"] == {}
    offline, plan = loaded["jobs"]["offline"], loaded["jobs"]["plan"]
    assert [s["run"] for s in offline["steps"] if "run" in s] == ["make infra-check"]
    assert plan["permissions"] == {"contents": "read", "id-token": "write"}
    commands = [s["run"].split()[:2] for s in plan["steps"] if "run" in s and "if" not in s]
    assert commands == [["terraform", "fmt"], ["terraform", "init"], ["terraform", "validate"],
                        ["terraform", "plan"]]  # fmt: skip
    uses = {s["uses"].split("@")[0]: s for s in plan["steps"] if "uses" in s}
    assert "role-to-assume" in uses["aws-actions/configure-aws-credentials"]["with"]
    assert "workload_identity_provider" in uses["google-github-actions/auth"]["with"]
    assert not any("aws-access-key-id" in s.get("with", {}) for s in plan["steps"])
    # An action the other workflows use is pinned to the same commit here.
    pins = action_pins(loaded)
    for other in (meta.root / ".github/workflows").glob("*.yml"):
        for action, ref in action_pins(yaml.safe_load(other.read_text())).items():
            assert pins.get(action, ref) == ref, (action, other.name)


class StubPlatform(http.server.BaseHTTPRequestHandler):
    """Answers as the platform's contract says, for the routes of one manifest."""

    backends: tuple[str, ...] = ()
    broken = False

    def log_message(self, *args: Any) -> None:
        del args

    def do_GET(self) -> None:
        path, _, query = self.path.partition("?")
        prefix = next((p for p in self.backends if path.startswith(p + "/")), None)
        if prefix is None:
            if path.endswith("/healthz"):
                return self.send(200, "application/json", b'{"status": "ok"}')
            page = b"<!doctype html><html><head><title>Acme</title></head><body>hi</body></html>"
            return self.send(200, "text/html; charset=utf-8", page)
        route = path[len(prefix) :]
        if route == "/healthz":
            return self.send(200, "application/json", b'{"status": "ok"}')
        if route == "/readyz":
            return self.send(200, "application/json", b'{"status": "ready"}')
        if route == "/items":
            limit = int(dict(p.split("=") for p in query.split("&"))["limit"])
            body = {"items": [], "total": 0, "limit": 20 if self.broken else limit, "offset": 0}
            return self.send(200, "application/json", json.dumps(body).encode())
        error = {"error": {"code": "not_found", "message": "no such item", "details": []}}
        return self.send(404, "application/json", json.dumps(error).encode())

    def send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("X-Request-ID", self.headers.get("X-Request-ID") or "generated")
        self.end_headers()
        self.wfile.write(body)


@pytest.mark.parametrize("broken", [False, True], ids=["conforming", "broken"])
def test_smoke_checks_pass_on_the_contract_and_fail_off_it(meta: Meta, broken: bool) -> None:
    """ci/smoke.py, with a real browser, against a stub that follows (or breaks) the contract."""
    handler = type(
        "Stub",
        (StubPlatform,),
        {"backends": tuple(s["route"] for s in meta.backends), "broken": broken},
    )
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        cmd = [sys.executable, "ci/smoke.py", "--base-url", base, "--browser", "/usr/bin/chromium"]
        proc = run(cmd, cwd=meta.root, check=False, timeout=120)
    finally:
        server.shutdown()
        server.server_close()
    if broken:
        assert proc.returncode == 1, proc.stdout
        assert "ignored limit" in proc.stdout
        return
    assert proc.returncode == 0, proc.stdout
    for service in meta.resolved:
        assert f"{service['name']} at {service['route']}" in proc.stdout
    if meta.frontends:
        assert f"ok  browser  {len(meta.frontends)} frontend page(s)" in proc.stdout


# ---- docs -----------------------------------------------------------------------------------

DOCS = (
    "architecture",
    "contracts",
    "debugging",
    "rollback",
    "migrating",
    "deploy",
    *(f"deploy-{cloud}" for cloud in ("aws", "gcp", "digitalocean", "ovh")),
)


def test_docs_name_every_service_and_link_to_files_that_exist(meta: Meta) -> None:
    for name in DOCS:
        page = meta.root / "docs" / f"{name}.md"
        text = page.read_text()
        assert text.startswith("# ") and "{{" not in text and "{%" not in text
        for target in (t.strip("<>") for t in re.findall(r"\]\(([^)#]+)\)", text)):
            if not re.match(r"[a-z]+://", target):
                assert (page.parent / target).exists(), f"{page.name} links to {target}"
    architecture = (meta.root / "docs/architecture.md").read_text()
    contracts = (meta.root / "docs/contracts.md").read_text()
    for service in meta.resolved:
        assert f"| {service['name']} | {service['kind']} | `{service['route']}` |" in architecture
    for backend in meta.backends:
        assert f"`services/{backend['name']}/openapi.json`" in contracts
    # The events each backend publishes: one row each, its subjects, schemas and consumers.
    events = contracts.split("## Events between services")[1].split("## ")[0]
    rows = [line.split(" | ") for line in events.splitlines() if line.startswith("| ")][2:]
    assert [row[0].lstrip("| ") for row in rows] == [b["name"] for b in meta.backends]
    for row, backend in zip(rows, meta.backends, strict=True):
        subjects = re.findall(r"`([^`]+)`", row[1])
        assert subjects == [
            f"{backend['name']}.items.{a}" for a in ("created", "updated", "deleted")
        ]
        assert row[2] == f"`services/{backend['name']}/schemas/`"
    # The architecture page's engines table: one row per engine the manifest names.
    engines = architecture.split("## Engines")[1].split("## ")[0]
    listed = re.findall(r"^\| `([a-z]+)` \|", engines, flags=re.M)
    assert listed == meta.engines
    # Every path the architecture page lists is a file or folder of the meta-repo.
    repositories = architecture.split("## Repositories")[1].split("## ")[0]
    for path in re.findall(r"^\| `([^`]+)`", repositories, flags=re.M):
        for part in path.split(", "):
            assert (
                meta.root / part.strip("`").replace("<name>", meta.resolved[0]["name"])
            ).exists(), part


@pytest.mark.parametrize("cloud", ["aws", "gcp", "digitalocean", "ovh"])
def test_each_cloud_s_guide_goes_from_an_empty_account_to_teardown(meta: Meta, cloud: str) -> None:
    guide = (meta.root / "docs" / f"deploy-{cloud}.md").read_text()
    for heading in ("## 1. ", "## 2. Settings and apply", "## Costs of the default sizes",
                    "## Tear down"):  # fmt: skip
        assert heading in guide, heading
    assert f"make infra-plan CLOUD={cloud}" in guide and f"make infra-apply CLOUD={cloud}" in guide
    assert "destroy" in guide.split("## Tear down")[1]
    for backend in meta.backends:
        assert f"`{backend['name'].replace('-', '_')}`" in guide
    overview = (meta.root / "docs" / "deploy.md").read_text()
    assert "`terraform validate` and `terraform plan` need the providers" in overview
    assert "from the internet" in overview
