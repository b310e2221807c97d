"""The suite model: validates the services manifest and derives every shared name.

Pure functions of the stored answers, so the meta-repo and every service repo compute
the same ports, routes, URLs and image names, on first copy and on every update.
Every rejection raises `ManifestError` with a message that names the culprit and the fix.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml  # Copier's own dependency, as pydantic
from pydantic import BaseModel, ConfigDict, ValidationError

T = TypeVar("T")

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
# How people sign in: `oidc` has the frontends sign users in with an OpenID Connect provider
# and the backends check its access tokens (roles and tenant from their claims).
AUTH_CHOICES = ("none", "oidc")
PORT_MIN, PORT_MAX = 1024, 65535
# A CODEOWNERS owner: a user (@login) or a team (@org/team-slug), as GitHub spells them.
_LOGIN = r"[A-Za-z0-9](?:-?[A-Za-z0-9]){0,38}"
OWNER_RE = re.compile(rf"^@{_LOGIN}(/[A-Za-z0-9][-A-Za-z0-9_]*)?$")
# The clouds the meta-repo has a Terraform root module for, and the providers each pins
# exactly (`terraform init` records their hashes in each module's .terraform.lock.hcl).
CLOUDS = ("aws", "gcp", "digitalocean", "ovh")
TERRAFORM_VERSION = ">= 1.9.0"
PROVIDER_PINS = {
    "aws": ("hashicorp/aws", "6.67.0"),
    "google": ("hashicorp/google", "7.40.0"),
    "digitalocean": ("digitalocean/digitalocean", "2.75.0"),
    "ovh": ("ovh/ovh", "2.10.0"),
    "kubernetes": ("hashicorp/kubernetes", "2.38.0"),
    "random": ("hashicorp/random", "3.7.2"),
}
CLOUD_PROVIDERS = {
    "aws": ("aws",),
    "gcp": ("google", "random"),
    "digitalocean": ("digitalocean", "kubernetes"),
    "ovh": ("ovh", "kubernetes"),
}
# The registry host of each cloud's own container registry, as the `registry` answer names it.
CLOUD_REGISTRIES = {
    "aws": re.compile(r"^[0-9]{12}\.dkr\.ecr\.[-a-z0-9]+\.amazonaws\.com(/|$)"),
    "gcp": re.compile(r"^[-a-z0-9]+-docker\.pkg\.dev(/|$)"),
    "digitalocean": re.compile(r"^registry\.digitalocean\.com(/|$)"),
    "ovh": re.compile(r"^[-a-z0-9]+\.[-a-z0-9]+\.container-registry\.ovh\.net(/|$)"),
}

# The answers every repo of the suite shares (the meta-repo's manifest holds them).
SHARED_KEYS = (
    "project_name", "project_slug", "organization", "domain", "registry",
    "python_version", "node_version", "auth", "engines", "services",
)  # fmt: skip


@dataclass(frozen=True)
class Engine:
    """A server the backends share, which the meta-repo runs beside them when the `engines`
    answer names it: every backend then receives its URL in `env_var`."""

    name: str  # the answer's word, the compose and Swarm service, the native process
    title: str
    use: str  # what the backends keep in it, in words
    env_var: str
    scheme: str
    port: int
    port_env: str  # the meta-repo's setting of its published (compose) or loopback (native) port
    program: str  # Debian's binary, which native mode runs
    package: str  # the Debian package that installs it
    path: str = ""  # after host and port in its URL

    def url(self, host: str, port: int | str | None = None) -> str:
        return f"{self.scheme}://{host}:{self.port if port is None else port}{self.path}"

    @property
    def service_url(self) -> str:
        """Where containers reach it by its service name (compose, Swarm, Kubernetes)."""
        return self.url(self.name)


ENGINES = {
    "nats": Engine("nats", "NATS JetStream", "change events, between replicas and services",
                   "NATS_URL", "nats", 4222, "NATS_PORT", "nats-server", "nats-server"),
    "redis": Engine("redis", "Redis", "state every replica shares (rate limits)",
                    "REDIS_URL", "redis", 6379, "REDIS_PORT", "redis-server", "redis-server",
                    "/0"),
}  # fmt: skip
EXAMPLE_ENGINES = "[nats, redis]"
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
    8082: "Traefik's metrics entrypoint",
    8222: "NATS monitoring",
    8888: "the OpenTelemetry Collector's own metrics",
    8889: "the OpenTelemetry Collector's Prometheus exporter",
    9090: "Prometheus",
    9400: "the development OpenID provider",
    13133: "the OpenTelemetry Collector's health check",
}
# Compose service names of the meta-repo's infrastructure: a service may not take one.
INFRA_NAMES = frozenset(
    {"traefik", "postgres", "redis", "nats", "otel-collector", "prometheus", "grafana", "tempo",
     "oidc-provider"}
)  # fmt: skip
# The first port tried for a service of each kind when the manifest gives none.
PORT_BASE = {"backend": 8000, "frontend": 3100}
# Words a service's Python package must not be (keywords, standard and dependency modules).
_RESERVED = json.loads(Path(__file__).with_name("reserved.json").read_text(encoding="utf-8"))
TAKEN_PACKAGES = frozenset(
    word for key, words in _RESERVED.items() if not key.startswith("_") for word in words
)
# Kubernetes keeps namespaces starting with this for itself.
RESERVED_NAMESPACE_PREFIX = "kube-"
# Letters that Unicode does not decompose into a Latin base letter and a mark.
_LATIN_EXTRA = str.maketrans({
    "ß": "ss", "ẞ": "SS", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O",
    "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "TH",
    "\u0131": "i", "ħ": "h", "Ħ": "H", "ŧ": "t", "Ŧ": "T",
})  # fmt: skip


class ManifestError(ValueError):
    """Answers that cannot be used: one line per problem, each naming the culprit and the fix."""

    def __init__(self, *problems: str) -> None:
        self.problems = problems
        if len(problems) == 1:
            super().__init__(problems[0])
        else:
            lines = "\n".join(f"- {problem}" for problem in problems)
            super().__init__(f"{len(problems)} problems, one per line:\n{lines}")


class _Problems:
    """Collects every problem of the answers, so that all are reported at once."""

    def __init__(self) -> None:
        self.found: list[str] = []

    def add(self, *problems: str) -> None:
        for problem in problems:
            if problem not in self.found:
                self.found.append(problem)

    def check(self, check: Callable[..., T], *args: Any) -> T | None:
        """Run a check that raises ManifestError; keep its problems, return its result."""
        try:
            return check(*args)
        except ManifestError as error:
            self.add(*error.problems)
            return None

    def raise_any(self) -> None:
        if self.found:
            raise ManifestError(*self.found)


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
    consumes: list[str] = []


@dataclass(frozen=True)
class Service:
    """One service with every name the templates need."""

    name: str
    kind: str
    port: int
    # Where Prometheus scrapes it: a backend's own port (its routes never include the root's
    # /metrics); a frontend's second port, which no edge routes to (its root route would
    # catch /metrics on the first).
    metrics_port: int
    route: str
    repo: str
    ref: str
    project: str
    registry: str
    owners: tuple[str, ...] = ()
    # The backends whose change events this backend consumes.
    consumes: tuple[str, ...] = ()

    @property
    def env_prefix(self) -> str:
        return self.name.replace("-", "_").upper() + "_"

    @property
    def python_package(self) -> str:
        return python_package(self.name)

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
    def traefik_rule(self) -> str:
        """Traefik's rule for the route, bounded at a path segment: `/api` and `/api/...`,
        never `/apix`. The root matches everything (its router has the lowest priority)."""
        if self.route == "/":
            return "PathPrefix(`/`)"
        return f"Path(`{self.route}`) || PathPrefix(`{self.route}/`)"

    @property
    def events_subject_prefix(self) -> str:
        """The first token of every subject a backend publishes its change events on:
        `<name>.items.created`. A slug is a valid NATS token (no dot, space, `*` or `>`)."""
        return self.name

    @property
    def events_stream(self) -> str:
        """The JetStream stream that holds a backend's change events, one per service."""
        return "EVENTS_" + self.name.replace("-", "_").upper()

    def durable_consumer_of(self, producer: str) -> str:
        """The JetStream durable consumer through which this backend's replicas share the
        events of `producer` (each event goes to one replica)."""
        return f"{self.name}-from-{producer}"

    @property
    def migrate_job(self) -> str:
        """The one-off job that migrates a backend's database (Swarm), beside its service."""
        return f"{self.name}-migrate"

    @property
    def compose_url(self) -> str:
        """Where other containers reach it by its service name (compose, Swarm, Kubernetes)."""
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
        """Prometheus path on `metrics_port`, outside any route prefix."""
        return "/metrics"

    @property
    def metrics_target(self) -> str:
        """Where Prometheus scrapes it on the compose network."""
        return f"{self.name}:{self.metrics_port}"

    @property
    def database_name(self) -> str:
        """Its own database on a shared PostgreSQL server."""
        return self.name.replace("-", "_")

    @property
    def database_user(self) -> str:
        """The PostgreSQL role that owns `database_name` in the cloud databases."""
        return self.database_name

    @property
    def database_secret(self) -> str:
        """The Kubernetes Secret holding its DATABASE_URL (the manifests reference it)."""
        return f"{self.name}-db"

    @property
    def cloud_secret_name(self) -> str:
        """Its database credentials' name in the cloud's secret manager."""
        return f"{self.project}-{self.name}-database"

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
class Environment:
    """Where a service repo deploys: a GitHub environment and the overlay it applies."""

    name: str  # the GitHub environment
    overlay: str  # k8s/overlays/<overlay>
    namespace: str
    host: str
    branch: str  # whose images deploy there
    deploys: str  # when, in words


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
    auth: str = "none"
    engines: tuple[Engine, ...] = ()
    edge_port: int = 8080
    dashboard_port: int = 8081

    @property
    def backends(self) -> tuple[Service, ...]:
        return tuple(s for s in self.services if s.kind == "backend")

    @property
    def frontends(self) -> tuple[Service, ...]:
        return tuple(s for s in self.services if s.kind == "frontend")

    @property
    def namespace(self) -> str:
        return self.project_slug

    def uses(self, engine: str) -> bool:
        """Whether the platform runs the engine `engine` ('nats', 'redis')."""
        return any(e.name == engine for e in self.engines)

    @property
    def offered_engines(self) -> tuple[Engine, ...]:
        """Every engine the `engines` answer may name."""
        return tuple(ENGINES.values())

    def engine(self, name: str) -> Engine:
        """One engine the platform runs, by name."""
        for engine in self.engines:
            if engine.name == name:
                return engine
        raise ManifestError(f"engines does not name {name!r}: add it, e.g. engines: [{name}]")

    @property
    def environments(self) -> tuple[Environment, ...]:
        """Staging follows `dev`; production runs releases from `main`."""
        return (
            Environment("staging", "staging", f"{self.namespace}-staging",
                        f"staging.{self.domain}", "dev", "at every push to dev"),
            Environment("production", "prod", self.namespace, self.domain, "main",
                        "at every release tagged on main"),
        )  # fmt: skip

    def environment(self, name: str) -> Environment:
        return next(e for e in self.environments if e.name == name)

    @property
    def public_url(self) -> str:
        """The one origin of the platform in local development."""
        return f"http://{self.domain}:{self.edge_port}"

    @property
    def clouds(self) -> tuple[str, ...]:
        return CLOUDS

    @property
    def registry_cloud(self) -> str:
        """The cloud whose own registry the `registry` answer is, or '' (e.g. ghcr.io)."""
        for cloud, pattern in CLOUD_REGISTRIES.items():
            if pattern.match(self.registry):
                return cloud
        return ""

    def cloud_registry_name(self, cloud: str) -> str:
        """The repository (GCP) or registry (DigitalOcean) a cloud's module creates: the one
        the `registry` answer names when it is that cloud's, else the project slug."""
        segment = {"gcp": 2, "digitalocean": 1}[cloud]
        parts = self.registry.split("/")
        if self.registry_cloud == cloud and len(parts) > segment:
            return parts[segment]
        return self.project_slug

    @property
    def terraform_version(self) -> str:
        return TERRAFORM_VERSION

    def terraform_providers(self, cloud: str) -> list[tuple[str, str, str]]:
        """(local name, source, exact version) of every provider a cloud's module uses."""
        return [(name, *PROVIDER_PINS[name]) for name in CLOUD_PROVIDERS[cloud]]

    def cloud_name(self, suffix: str, limit: int) -> str:
        """'<project>-<suffix>' within a cloud's length limit, the project part shortened."""
        room = limit - len(suffix) - 1
        return f"{self.project_slug[:room].rstrip('-')}-{suffix}"

    def service(self, name: str) -> Service:
        for service in self.services:
            if service.name == name:
                return service
        names = ", ".join(repr(s.name) for s in self.services)
        raise ManifestError(f"no service named {name!r} in services (they are: {names})")

    @property
    def primary_backend(self) -> Service:
        """The backend every frontend talks to: the first of the manifest (which has one)."""
        return self.backends[0]

    def title_of(self, service: Service) -> str:
        """How people see a service named: its API's title, its pages' brand."""
        return f"{self.project_name}: {service.name}"

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
            "auth": self.auth,
            "engines": [e.name for e in self.engines],
            "services": [
                {"name": s.name, "kind": s.kind, "port": s.port, "route": s.route,
                 "repo": s.repo, "ref": s.ref, **({"owners": list(s.owners)} if s.owners else {}),
                 **({"consumes": list(s.consumes)} if s.consumes else {})}
                for s in self.services
            ],
        }  # fmt: skip

    @property
    def owners(self) -> tuple[str, ...]:
        """Every owner the manifest names, once, in manifest order."""
        return tuple(dict.fromkeys(owner for s in self.services for owner in s.owners))


# ---- answers ---------------------------------------------------------------------------


def slugify(text: str) -> str:
    """A DNS-1123 label from free text, accents transliterated: 'Café Münster' ->
    'cafe-munster'; '' when the text has no Latin letter to start one with."""
    latin = unicodedata.normalize("NFKD", str(text).translate(_LATIN_EXTRA))
    ascii_text = latin.encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return re.sub(r"^[^a-z]+", "", slug)[:NAME_MAX].rstrip("-")


def check_name(value: object, what: str) -> str:
    if not isinstance(value, str) or not value:
        raise ManifestError(f"{what} is missing: give a lowercase name such as 'api'")
    if len(value) > NAME_MAX:
        raise ManifestError(
            f"{what} {value!r} is {len(value)} characters long: "
            f"use at most {NAME_MAX} (it becomes a DNS and Kubernetes name)"
        )
    if not NAME_RE.match(value):
        example = slugify(value)
        raise ManifestError(
            f"{what} {value!r} is not a DNS-1123 label: use lowercase letters, digits and "
            "hyphens, starting with a letter and not ending with a hyphen"
            + (f", e.g. {example!r}" if example else "")
        )
    return value


def check_project_slug(value: object, project_name: object = "") -> str:
    """The slug, or why not; an empty one derived from a name without Latin letters asks
    for an explicit slug."""
    if not value and project_name and not slugify(str(project_name)):
        raise ManifestError(
            f"project_name {project_name!r} has no Latin letter to derive project_slug from: "
            "give project_slug yourself, e.g. -d project_slug=my-platform"
        )
    slug = check_name(value, "project_slug")
    if slug.startswith(RESERVED_NAMESPACE_PREFIX):
        raise ManifestError(
            f"project_slug {slug!r} starts with {RESERVED_NAMESPACE_PREFIX!r}, which Kubernetes "
            f"keeps for its own namespaces: choose another slug, e.g. {slug[5:] or 'platform'!r}"
        )
    return slug


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


def check_engines(value: object) -> tuple[Engine, ...]:
    """The engines the answer names, in the suite's order; none for an empty answer."""
    names = ", ".join(ENGINES)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ManifestError(
            f"engines {value!r} is not a list of engine names: write a YAML list of some of "
            f"{names}, e.g. {EXAMPLE_ENGINES} (or [] for none)"
        )
    problems = [
        f"engines names {item!r}, which the suite does not run: choose among {names}"
        for item in dict.fromkeys(value)
        if item not in ENGINES
    ]
    problems += [
        f"engines names {item!r} {value.count(item)} times: name each engine once"
        for item in dict.fromkeys(value)
        if value.count(item) > 1
    ]
    if problems:
        raise ManifestError(*problems)
    return tuple(engine for name, engine in ENGINES.items() if name in value)


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


def python_package(name: str) -> str:
    """The import package of a service: its name in snake case, suffixed `_service` where
    it would be a keyword or shadow a standard or dependency module."""
    package = name.replace("-", "_")
    return f"{package}_service" if package in TAKEN_PACKAGES else package


# ---- the manifest ----------------------------------------------------------------------

EXAMPLE_MANIFEST = "[{name: api, kind: backend}, {name: web, kind: frontend}]"
_HINTS = {
    "kind": "use 'backend' or 'frontend'",
    "port": "use a whole number between 1024 and 65535, or omit it",
    "name": "give a lowercase name such as 'api'",
    "owners": "give a list such as ['@acme/payments', '@octocat']",
    "consumes": "give a list of backend names such as ['orders']",
}


def load_services(text: str) -> object:
    """The `services` answer from YAML text; invalid YAML names the line and column."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise ManifestError(
            f"services is not valid YAML{where}: {problem}: write a YAML list of mappings, "
            f"e.g. {EXAMPLE_MANIFEST}"
        ) from None


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


def _entry_problem(label: str, error: Any) -> str:
    key = ".".join(str(part) for part in error["loc"]) or "entry"
    hint = _HINTS.get(key.split(".")[0], f"allowed keys are {', '.join(_Entry.model_fields)}")
    if error["type"] == "missing":
        return f"{label}: {key} is missing: {hint}"
    return f"{label}: {key} {error['msg'].lower()} (got {error.get('input')!r}): {hint}"


def _parse_entries(services: object, problems: _Problems) -> dict[int, _Entry]:
    """The entries that parse, by position; every problem of every entry goes to `problems`."""
    if not isinstance(services, list) or not services:
        problems.add(f"services must be a non-empty YAML list of mappings, e.g. {EXAMPLE_MANIFEST}")
        return {}
    entries = {}
    for index, raw in enumerate(services):
        label = f"services[{index}]"
        if isinstance(raw, Mapping) and isinstance(raw.get("name"), str):
            label = f"service {raw['name']!r}"
        if not isinstance(raw, Mapping):
            problems.add(f"{label} is not a mapping: write it as {{name: ..., kind: ...}}")
            continue
        try:
            entries[index] = _Entry.model_validate(dict(raw))
        except ValidationError as error:
            for each in error.errors():
                problems.add(_entry_problem(label, each))
    return entries


def _check_names(entries: dict[int, _Entry], problems: _Problems) -> None:
    seen: dict[str, int] = {}
    for index, entry in entries.items():
        problems.check(check_name, entry.name, f"services[{index}] name")
        if entry.name in INFRA_NAMES:
            problems.add(
                f"service name {entry.name!r} is taken by the meta-repo's infrastructure "
                f"({', '.join(sorted(INFRA_NAMES))}): choose another name"
            )
        if entry.name in seen:
            problems.add(
                f"services[{seen[entry.name]}] and services[{index}] are both named "
                f"{entry.name!r}: give each service its own name"
            )
        else:
            seen[entry.name] = index


def _check_owners(entries: list[_Entry], problems: _Problems) -> None:
    for entry in entries:
        for owner in entry.owners:
            if not OWNER_RE.match(owner):
                problems.add(
                    f"service {entry.name!r} has owner {owner!r}, which is neither a GitHub user "
                    "nor a team: write a user as '@login' or a team as '@org/team-slug'"
                )
        if len(set(entry.owners)) != len(entry.owners):
            problems.add(
                f"service {entry.name!r} lists an owner twice in {entry.owners}: name each once"
            )


def _check_events_travel(entries: list[_Entry], problems: _Problems) -> None:
    """Events reach another service through NATS only: a consumer needs it in `engines`."""
    consumers = [entry.name for entry in entries if entry.kind == "backend" and entry.consumes]
    if consumers:
        problems.add(
            f"{', '.join(repr(name) for name in consumers)} "
            f"{'consumes' if len(consumers) == 1 else 'consume'} other backends' events, which "
            "travel through NATS: add nats to engines, e.g. engines: [nats]"
        )


def _check_consumes(entries: list[_Entry], problems: _Problems) -> None:
    """A backend consumes the events of other backends of the manifest, each named once."""
    kinds = {entry.name: entry.kind for entry in entries}
    for entry in entries:
        if entry.consumes and entry.kind != "backend":
            problems.add(
                f"service {entry.name!r} is a {entry.kind} and lists consumes: only a backend "
                "consumes events; remove consumes from it"
            )
            continue
        for producer in entry.consumes:
            if producer == entry.name:
                problems.add(
                    f"service {entry.name!r} consumes its own events: name other backends only"
                )
            elif producer not in kinds:
                names = ", ".join(repr(name) for name in kinds)
                problems.add(
                    f"service {entry.name!r} consumes {producer!r}, which is not a service of "
                    f"the manifest (they are: {names}): name a backend of it"
                )
            elif kinds[producer] != "backend":
                problems.add(
                    f"service {entry.name!r} consumes {producer!r}, which is a "
                    f"{kinds[producer]}: only backends publish events"
                )
        if len(set(entry.consumes)) != len(entry.consumes):
            problems.add(
                f"service {entry.name!r} lists a producer twice in consumes {entry.consumes}: "
                "name each once"
            )


def _check_identifiers(entries: list[_Entry], problems: _Problems) -> None:
    """Two services never derive the same identifier (e.g. 'email' and 'email-service' would
    both be the Python package 'email_service'; a backend's 'api-migrate' job, a service)."""
    owners: dict[tuple[str, str], str] = {}
    valid = {e.name: e for e in entries if NAME_RE.match(e.name)}  # the rest is reported
    for entry in valid.values():
        derived = [("Python package", python_package(entry.name)), ("Swarm service", entry.name)]
        if entry.kind == "backend":
            derived.append(("Swarm service", f"{entry.name}-migrate"))
        for what, identifier in derived:
            first = owners.setdefault((what, identifier), entry.name)
            if first != entry.name:
                problems.add(
                    f"services {first!r} and {entry.name!r} both derive the {what} "
                    f"{identifier!r}: rename one of them"
                )


def _allocate_ports(entries: list[_Entry], problems: _Problems) -> dict[str, int]:
    """Explicit ports are checked, missing ones allocated in manifest order."""
    owner: dict[int, str] = {}
    for entry in entries:
        if entry.port is None:
            continue
        if not PORT_MIN <= entry.port <= PORT_MAX:
            problems.add(
                f"service {entry.name!r} uses port {entry.port}, outside {PORT_MIN}-{PORT_MAX}: "
                "give a port in that range or omit it to have one allocated"
            )
        elif entry.port in INFRA_PORTS:
            problems.add(
                f"service {entry.name!r} uses port {entry.port}, which {INFRA_PORTS[entry.port]} "
                "uses: give it another port or omit it to have one allocated"
            )
        elif entry.port in owner:
            problems.add(
                f"services {owner[entry.port]!r} and {entry.name!r} both use port {entry.port}: "
                "give one another port or omit it to have one allocated"
            )
        else:
            owner[entry.port] = entry.name
    ports = {name: port for port, name in owner.items()}
    for entry in entries:
        if entry.port is None:
            port = _free_port(PORT_BASE[entry.kind], owner.keys() | INFRA_PORTS.keys())
            owner[port] = entry.name
            ports[entry.name] = port
    return ports


def _after(port: int) -> int:
    """The next port, the top of the range wrapping to its bottom."""
    return port + 1 if port < PORT_MAX else PORT_MIN


def _free_port(port: int, taken: Collection[int]) -> int:
    """`port`, or the first one after it that is not taken."""
    while port in taken:
        port = _after(port)
    return port


def _allocate_metrics_ports(entries: list[_Entry], ports: Mapping[str, int]) -> dict[str, int]:
    """A backend serves its metrics on its own port; a frontend gets the next free port after
    its own, free of every service's and the infrastructure's ports."""
    taken = set(ports.values()) | set(INFRA_PORTS)
    metrics: dict[str, int] = {}
    for entry in entries:
        port = ports[entry.name]
        if entry.kind == "frontend":
            port = _free_port(_after(port), taken)
            taken.add(port)
        metrics[entry.name] = port
    return metrics


def _assign_routes(entries: list[_Entry], problems: _Problems) -> dict[str, str]:
    explicit: dict[str, str] = {}
    for entry in entries:
        if entry.route is not None:
            route = problems.check(normalize_route, entry.route, entry.name)
            if route is not None:
                explicit[entry.name] = route
    routes: dict[str, str] = {}
    for entry in entries:
        if entry.name in explicit:
            routes[entry.name] = explicit[entry.name]
        elif entry.route is None:
            root_free = "/" not in explicit.values() and "/" not in routes.values()
            routes[entry.name] = "/" if entry.kind == "frontend" and root_free else f"/{entry.name}"
    kinds = {e.name: e.kind for e in entries}
    at_root = [name for name, route in routes.items() if route == "/"]
    if len(at_root) > 1:
        problems.add(
            f"services {', '.join(repr(n) for n in at_root)} all use route '/': only one "
            "frontend may own '/'; give the others a prefix such as '/admin'"
        )
    for name in at_root:
        if kinds[name] != "frontend":
            problems.add(
                f"backend {name!r} uses route '/', which only a frontend may own: "
                f"give it a prefix such as '/{name}'"
            )
    names = list(routes)
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            a, b = routes[first], routes[second]
            if a == b:
                if a != "/":  # several at '/' are reported above
                    problems.add(
                        f"services {first!r} and {second!r} both use route {a!r}: "
                        "give one another route or omit it to have one derived"
                    )
                continue
            for outer, inner in ((first, second), (second, first)):
                if routes[outer] != "/" and _shadows(routes[outer], routes[inner]):
                    problems.add(
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
    auth: str = "none",
    engines: object = None,
) -> Suite:
    """Validate every answer and derive the suite; raise ManifestError naming every problem."""
    problems = _Problems()
    problems.check(check_project_slug, project_slug, project_name)
    valid_organization = problems.check(check_organization, organization)
    problems.check(check_domain, domain)
    if registry is not None or valid_organization is not None:
        problems.check(check_registry, registry or default_registry(organization))
    problems.check(check_choice, python_version, "python_version", PYTHON_VERSIONS)
    problems.check(check_choice, node_version, "node_version", NODE_VERSIONS)
    problems.check(check_choice, auth, "auth", AUTH_CHOICES)
    chosen = problems.check(check_engines, list(engines) if isinstance(engines, tuple) else engines)
    by_index: dict[int, _Entry] = {}
    if isinstance(services, str):  # a YAML answer that did not parse reaches us as text
        try:
            services = load_services(services)
        except ManifestError as error:
            problems.add(*error.problems)
        else:
            by_index = _parse_entries(services, problems)
    else:
        by_index = _parse_entries(services, problems)
    entries = list(by_index.values())
    _check_names(by_index, problems)
    _check_owners(entries, problems)
    _check_consumes(entries, problems)
    # Unanswered engines (a manifest checked alone) are not held against its consumers.
    if engines is not None and chosen is not None and "nats" not in [e.name for e in chosen]:
        _check_events_travel(entries, problems)
    raw = services if isinstance(services, list) else []
    if entries and "backend" not in [e.get("kind") for e in raw if isinstance(e, Mapping)]:
        # A frontend repo is generated around its backend's API (client, pages, mock).
        problems.add(
            "services has no backend for the frontends to talk to: add one, e.g. "
            "{name: api, kind: backend}"
        )
    _check_identifiers(entries, problems)
    ports = _allocate_ports(entries, problems)
    routes = _assign_routes(entries, problems)
    problems.raise_any()
    metrics_ports = _allocate_metrics_ports(entries, ports)
    registry = registry or default_registry(organization)
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
            consumes=tuple(e.consumes),
            metrics_port=metrics_ports[e.name],
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
        auth=str(auth),
        engines=chosen or (),
    )


def check_services(services: object, engines: object = None) -> Suite:
    """Validate the manifest alone (with the engines, where they are answered), with neutral
    project answers."""
    return build_suite(project_name="check", project_slug="check", organization="check",
                       services=services, engines=engines)  # fmt: skip


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
