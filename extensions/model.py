"""The suite model: validates the services manifest and derives every shared name.

Pure functions of the stored answers, so the meta-repo and every service repo compute
the same ports, routes, URLs and image names, on first copy and on every update.
Every rejection raises `ManifestError` with a message that names the culprit and the fix.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

KINDS = ("backend", "frontend")
NAME_MAX = 40
NAME_RE = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
ROUTE_SEGMENT_RE = re.compile(r"^[a-z0-9]([-a-z0-9._]*[a-z0-9])?$")
_LABEL = r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?"
DOMAIN_RE = re.compile(rf"^(?=.{{1,253}}$){_LABEL}(\.{_LABEL})*$")
ORG_RE = re.compile(r"^[A-Za-z0-9]([-A-Za-z0-9]{0,38})$")
REGISTRY_RE = re.compile(
    r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:[0-9]+)?(/[a-z0-9]([-a-z0-9._]*[a-z0-9])?)*$"
)
PYTHON_VERSIONS = ("3.11", "3.12", "3.13")
NODE_VERSIONS = ("20", "22", "24")
PORT_MIN, PORT_MAX = 1024, 65535
# A CODEOWNERS owner: a user (@login) or a team (@org/team-slug), as GitHub spells them.
_LOGIN = r"[A-Za-z0-9](?:-?[A-Za-z0-9]){0,38}"
OWNER_RE = re.compile(rf"^@{_LOGIN}(/[A-Za-z0-9][-A-Za-z0-9_]*)?$")

# Ports the meta-repo's own infrastructure listens on (compose and native mode).
INFRA_PORTS: dict[int, str] = {
    3000: "Grafana",
    3200: "Tempo",
    4222: "NATS",
    4317: "the OTLP gRPC receiver",
    4318: "the OTLP HTTP receiver",
    5432: "PostgreSQL",
    6379: "Redis",
    8080: "Traefik's web entrypoint",
    8081: "Traefik's dashboard entrypoint",
    8222: "NATS monitoring",
    8888: "the OpenTelemetry Collector's own metrics",
    8889: "the OpenTelemetry Collector's Prometheus exporter",
    9090: "Prometheus",
    13133: "the OpenTelemetry Collector's health check",
}
# Compose service names of the meta-repo's infrastructure: a service may not take one.
INFRA_NAMES = frozenset(
    {"traefik", "postgres", "redis", "nats", "otel-collector", "prometheus", "grafana", "tempo"}
)
# The first port tried for a service of each kind when the manifest gives none.
PORT_BASE = {"backend": 8000, "frontend": 3100}
# Import names a service package must not shadow.
TAKEN_PACKAGES = frozenset(sys.stdlib_module_names) | {
    "alembic", "app", "fastapi", "httpx", "loguru", "pydantic", "sqlalchemy",
    "starlette", "tests", "uvicorn",
}  # fmt: skip


class ManifestError(ValueError):
    """A manifest or answer that cannot be used; the message says how to fix it."""


class _Entry(BaseModel):
    """One entry of `services`, as the user writes it."""

    model_config = ConfigDict(extra="forbid", strict=True)

    name: str
    kind: Literal["backend", "frontend"]
    port: int | None = None
    route: str | None = None
    repo: str | None = None
    ref: str = "main"
    owners: list[str] = []


@dataclass(frozen=True)
class Service:
    """One service with every name the templates need."""

    name: str
    kind: str
    port: int
    route: str
    repo: str
    ref: str
    project: str
    registry: str
    owners: tuple[str, ...] = ()

    @property
    def env_prefix(self) -> str:
        return self.name.replace("-", "_").upper() + "_"

    @property
    def python_package(self) -> str:
        package = self.name.replace("-", "_")
        return f"{package}_service" if package in TAKEN_PACKAGES else package

    @property
    def npm_package(self) -> str:
        return f"{self.project}-{self.name}"

    @property
    def repo_name(self) -> str:
        return f"{self.project}-{self.name}"

    @property
    def container_name(self) -> str:
        return f"{self.project}-{self.name}"

    @property
    def image(self) -> str:
        return f"{self.registry}/{self.repo_name}"

    @property
    def registry_host(self) -> str:
        """The host CI logs in to before pushing `image`, e.g. 'ghcr.io'."""
        return self.registry.split("/")[0]

    @property
    def otel_service_name(self) -> str:
        return self.name

    @property
    def traefik_router(self) -> str:
        return self.name

    @property
    def traefik_service(self) -> str:
        return self.name

    @property
    def k8s_name(self) -> str:
        return self.name

    @property
    def compose_url(self) -> str:
        """Where other containers reach it on the compose network."""
        return f"http://{self.name}:{self.port}"

    @property
    def k8s_url(self) -> str:
        return f"http://{self.name}:{self.port}"

    @property
    def loopback_url(self) -> str:
        """Where other processes reach it in native mode."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def route_prefix(self) -> str:
        """The route without its trailing slash: '' for '/', else the route."""
        return "" if self.route == "/" else self.route

    @property
    def route_dir(self) -> str:
        """The route as a relative folder path: 'api' for '/api', '' for '/'."""
        return self.route_prefix.lstrip("/")

    @property
    def is_backend(self) -> bool:
        return self.kind == "backend"

    @property
    def is_frontend(self) -> bool:
        return self.kind == "frontend"

    @property
    def health_path(self) -> str:
        """Liveness path the service serves (under its prefix: Traefik keeps it)."""
        return f"{self.route_prefix}/healthz"

    @property
    def metrics_path(self) -> str:
        """Prometheus path on the internal port: root for backends, basePath for frontends."""
        return "/metrics" if self.is_backend else f"{self.route_prefix}/metrics"

    @property
    def database_name(self) -> str:
        """Its own database on a shared PostgreSQL server."""
        return self.name.replace("-", "_")

    @property
    def github_repository(self) -> str:
        """'owner/name' when the repo is on GitHub (https or ssh URL), else ''."""
        match = re.fullmatch(
            r"(?:https://github\.com/|git@github\.com:)([-\w.]+/[-\w.]+?)(?:\.git)?/?", self.repo
        )
        return match.group(1) if match else ""

    @property
    def image_tag(self) -> str:
        """The image tag built from the pinned ref: v1.2.3 -> 1.2.3, a commit -> sha-1a2b3c4,
        a branch as is ('/' -> '-'), as the image workflows tag them."""
        if re.fullmatch(r"[0-9a-f]{40}", self.ref):
            return f"sha-{self.ref[:7]}"
        return re.sub(r"^v(?=[0-9])", "", self.ref).replace("/", "-")


@dataclass(frozen=True)
class Suite:
    """The validated project answers and services, with derived names."""

    project_name: str
    project_slug: str
    organization: str
    domain: str
    registry: str
    services: tuple[Service, ...]
    python_version: str = "3.12"
    node_version: str = "22"
    edge_port: int = 8080
    dashboard_port: int = 8081
    infra_ports: Mapping[int, str] = field(default_factory=lambda: dict(INFRA_PORTS))

    @property
    def backends(self) -> tuple[Service, ...]:
        return tuple(s for s in self.services if s.kind == "backend")

    @property
    def frontends(self) -> tuple[Service, ...]:
        return tuple(s for s in self.services if s.kind == "frontend")

    @property
    def namespace(self) -> str:
        return self.project_slug

    @property
    def public_url(self) -> str:
        """The one origin of the platform in local development."""
        return f"http://{self.domain}:{self.edge_port}"

    def service(self, name: str) -> Service:
        for service in self.services:
            if service.name == name:
                return service
        names = ", ".join(repr(s.name) for s in self.services)
        raise ManifestError(f"no service named {name!r} in services (they are: {names})")

    def backend_for(self, frontend: Service) -> Service | None:
        """The backend a frontend talks to: the first backend of the manifest."""
        del frontend
        return self.backends[0] if self.backends else None

    def shared_answers(self) -> dict[str, Any]:
        """The answers every repo of the suite records, in manifest form."""
        return {
            "project_name": self.project_name,
            "project_slug": self.project_slug,
            "organization": self.organization,
            "domain": self.domain,
            "registry": self.registry,
            "python_version": self.python_version,
            "node_version": self.node_version,
            "services": [
                {"name": s.name, "kind": s.kind, "port": s.port, "route": s.route,
                 "repo": s.repo, "ref": s.ref, **({"owners": list(s.owners)} if s.owners else {})}
                for s in self.services
            ],
        }  # fmt: skip

    @property
    def owners(self) -> tuple[str, ...]:
        """Every owner the manifest names, once, in manifest order."""
        return tuple(dict.fromkeys(owner for s in self.services for owner in s.owners))


# ---- answers ---------------------------------------------------------------------------


def slugify(text: str) -> str:
    """A DNS-1123 label from free text: 'My Platform!' -> 'my-platform'."""
    slug = re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")
    slug = re.sub(r"^[^a-z]+", "", slug)[:NAME_MAX].rstrip("-")
    return slug or "platform"


def check_name(value: object, what: str) -> str:
    if not isinstance(value, str) or not value:
        raise ManifestError(f"{what} is missing: give a lowercase name such as 'api'")
    if len(value) > NAME_MAX:
        raise ManifestError(
            f"{what} {value!r} is {len(value)} characters long: "
            f"use at most {NAME_MAX} (it becomes a DNS and Kubernetes name)"
        )
    if not NAME_RE.match(value):
        raise ManifestError(
            f"{what} {value!r} is not a DNS-1123 label: use lowercase letters, digits and "
            f"hyphens, starting with a letter and not ending with a hyphen, e.g. "
            f"{slugify(value)!r}"
        )
    return value


def check_domain(value: object) -> str:
    if not isinstance(value, str) or not DOMAIN_RE.match(value):
        raise ManifestError(
            f"domain {value!r} is not a lowercase host name: use e.g. 'localhost' or "
            "'platform.example.com' (no scheme, port or path)"
        )
    return value


def check_organization(value: object) -> str:
    if not isinstance(value, str) or not ORG_RE.match(value) or value.endswith("-"):
        raise ManifestError(
            f"organization {value!r} is not a valid organization name: use letters, "
            "digits and single hyphens, at most 39 characters (e.g. 'acme')"
        )
    return value


def check_registry(value: object) -> str:
    if not isinstance(value, str) or not REGISTRY_RE.match(value):
        raise ManifestError(
            f"registry {value!r} is not an image registry path: use lowercase, without "
            "scheme or trailing slash, e.g. 'ghcr.io/acme'"
        )
    return value


def check_choice(value: object, what: str, choices: Iterable[str]) -> str:
    options = tuple(choices)
    if str(value) not in options:
        raise ManifestError(
            f"{what} {value!r} is not supported: choose one of {', '.join(options)}"
        )
    return str(value)


def default_registry(organization: str) -> str:
    return f"ghcr.io/{organization.lower()}"


def default_repo(organization: str, project_slug: str, name: str) -> str:
    return f"https://github.com/{organization}/{project_slug}-{name}.git"


# ---- the manifest ----------------------------------------------------------------------


def normalize_route(route: str, who: str) -> str:
    """'api/' -> '/api'; '/' stays '/'; rejects anything that is not a plain path."""
    text = route.strip()
    segments = [part for part in text.split("/") if part]
    for part in segments:
        if not ROUTE_SEGMENT_RE.match(part):
            raise ManifestError(
                f"service {who!r} has route {route!r}, whose part {part!r} is not a plain "
                "path segment: use lowercase letters, digits, '-', '.' and '_', e.g. '/api'"
            )
    return "/" + "/".join(segments)


def _shadows(outer: str, inner: str) -> bool:
    return outer == "/" or inner.startswith(outer + "/")


def _parse_entries(services: object) -> list[_Entry]:
    if not isinstance(services, list) or not services:
        raise ManifestError(
            "services must be a non-empty YAML list of mappings, e.g. "
            "[{name: api, kind: backend}, {name: web, kind: frontend}]"
        )
    entries = []
    for index, raw in enumerate(services):
        label = f"services[{index}]"
        if isinstance(raw, Mapping) and isinstance(raw.get("name"), str):
            label = f"service {raw['name']!r}"
        if not isinstance(raw, Mapping):
            raise ManifestError(f"{label} is not a mapping: write it as {{name: ..., kind: ...}}")
        try:
            entries.append(_Entry.model_validate(dict(raw)))
        except ValidationError as error:
            first = error.errors()[0]
            key = ".".join(str(part) for part in first["loc"]) or "entry"
            hint = {
                "kind": "use 'backend' or 'frontend'",
                "port": "use a whole number between 1024 and 65535, or omit it",
                "name": "give a lowercase name such as 'api'",
                "owners": "give a list such as ['@acme/payments', '@octocat']",
            }.get(key.split(".")[0], f"allowed keys are {', '.join(_Entry.model_fields)}")
            raise ManifestError(
                f"{label}: {key} {first['msg'].lower()} (got {first.get('input')!r}): {hint}"
            ) from None
    return entries


def _check_unique_names(entries: list[_Entry]) -> None:
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries):
        check_name(entry.name, f"services[{index}] name")
        if entry.name in INFRA_NAMES:
            raise ManifestError(
                f"service name {entry.name!r} is taken by the meta-repo's infrastructure "
                f"({', '.join(sorted(INFRA_NAMES))}): choose another name"
            )
        if entry.name in seen:
            raise ManifestError(
                f"services[{seen[entry.name]}] and services[{index}] are both named "
                f"{entry.name!r}: give each service its own name"
            )
        seen[entry.name] = index


def _check_owners(entries: list[_Entry]) -> None:
    for entry in entries:
        for owner in entry.owners:
            if not OWNER_RE.match(owner):
                raise ManifestError(
                    f"service {entry.name!r} has owner {owner!r}, which is neither a GitHub user "
                    "nor a team: write a user as '@login' or a team as '@org/team-slug'"
                )
        if len(set(entry.owners)) != len(entry.owners):
            raise ManifestError(
                f"service {entry.name!r} lists an owner twice in {entry.owners}: name each once"
            )


def _allocate_ports(entries: list[_Entry]) -> dict[str, int]:
    """Explicit ports are checked, missing ones allocated in manifest order."""
    owner: dict[int, str] = {}
    for entry in entries:
        if entry.port is None:
            continue
        if not PORT_MIN <= entry.port <= PORT_MAX:
            raise ManifestError(
                f"service {entry.name!r} uses port {entry.port}, outside {PORT_MIN}-{PORT_MAX}: "
                "give a port in that range or omit it to have one allocated"
            )
        if entry.port in INFRA_PORTS:
            raise ManifestError(
                f"service {entry.name!r} uses port {entry.port}, which {INFRA_PORTS[entry.port]} "
                "uses: give it another port or omit it to have one allocated"
            )
        if entry.port in owner:
            raise ManifestError(
                f"services {owner[entry.port]!r} and {entry.name!r} both use port {entry.port}: "
                "give one another port or omit it to have one allocated"
            )
        owner[entry.port] = entry.name
    ports = {name: port for port, name in owner.items()}
    for entry in entries:
        if entry.port is None:
            port = PORT_BASE[entry.kind]
            while port in owner or port in INFRA_PORTS:
                port += 1
            owner[port] = entry.name
            ports[entry.name] = port
    return ports


def _assign_routes(entries: list[_Entry]) -> dict[str, str]:
    routes = {e.name: normalize_route(e.route, e.name) for e in entries if e.route is not None}
    for entry in entries:
        if entry.route is not None:
            continue
        root_free = "/" not in routes.values()
        routes[entry.name] = "/" if entry.kind == "frontend" and root_free else f"/{entry.name}"
    kinds = {e.name: e.kind for e in entries}
    at_root = [name for name, route in routes.items() if route == "/"]
    if len(at_root) > 1:
        raise ManifestError(
            f"services {', '.join(repr(n) for n in at_root)} all use route '/': only one "
            "frontend may own '/'; give the others a prefix such as '/admin'"
        )
    for name in at_root:
        if kinds[name] != "frontend":
            raise ManifestError(
                f"backend {name!r} uses route '/', which only a frontend may own: "
                f"give it a prefix such as '/{name}'"
            )
    names = [e.name for e in entries]
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            a, b = routes[first], routes[second]
            if a == b:
                raise ManifestError(
                    f"services {first!r} and {second!r} both use route {a!r}: "
                    "give one another route or omit it to have one derived"
                )
            for outer, inner in ((first, second), (second, first)):
                if routes[outer] != "/" and _shadows(routes[outer], routes[inner]):
                    raise ManifestError(
                        f"service {outer!r} at {routes[outer]!r} shadows {inner!r} at "
                        f"{routes[inner]!r}: give them routes that do not nest, e.g. "
                        f"'/{inner}'"
                    )
    return routes


def build_suite(
    *,
    project_name: str,
    project_slug: str,
    organization: str,
    services: object,
    domain: str = "localhost",
    registry: str | None = None,
    python_version: str = "3.12",
    node_version: str = "22",
) -> Suite:
    """Validate every answer and derive the suite; raise ManifestError on the first problem."""
    check_name(project_slug, "project_slug")
    check_organization(organization)
    check_domain(domain)
    registry = check_registry(registry or default_registry(organization))
    check_choice(python_version, "python_version", PYTHON_VERSIONS)
    check_choice(node_version, "node_version", NODE_VERSIONS)
    entries = _parse_entries(services)
    _check_unique_names(entries)
    _check_owners(entries)
    if not any(e.kind == "backend" for e in entries):
        # A frontend repo is generated around its backend's API (client, pages, mock).
        raise ManifestError(
            "services has no backend for the frontends to talk to: add one, e.g. "
            "{name: api, kind: backend}"
        )
    ports = _allocate_ports(entries)
    routes = _assign_routes(entries)
    built = tuple(
        Service(
            name=e.name,
            kind=e.kind,
            port=ports[e.name],
            route=routes[e.name],
            repo=e.repo or default_repo(organization, project_slug, e.name),
            ref=e.ref,
            project=project_slug,
            registry=registry,
            owners=tuple(e.owners),
        )
        for e in entries
    )
    return Suite(
        project_name=str(project_name),
        project_slug=project_slug,
        organization=organization,
        domain=domain,
        registry=registry,
        services=built,
        python_version=str(python_version),
        node_version=str(node_version),
    )


def check_services(services: object) -> Suite:
    """Validate the manifest alone, with neutral project answers."""
    return build_suite(
        project_name="check", project_slug="check", organization="check", services=services
    )


def select_service(suite: Suite, kind: str, service_name: str | None) -> Service:
    """The manifest entry a backend or frontend repo renders."""
    if not service_name:
        for service in suite.services:
            if service.kind == kind:
                return service
        raise ManifestError(
            f"services has no {kind}: add one, e.g. {{name: {kind[:3]}, kind: {kind}}}"
        )
    service = suite.service(service_name)
    if service.kind != kind:
        raise ManifestError(
            f"service_name {service_name!r} is a {service.kind} in services, but this repo is "
            f"a {kind}: pick a {kind} entry or change template_kind"
        )
    return service
