"""Tier 1: the suite model validates manifests and derives names."""

from __future__ import annotations

from typing import Any

import pytest

import model
from model import ManifestError, build_suite, check_services, select_service, slugify

pytestmark = pytest.mark.unit

DEFAULT = [
    {"name": "api", "kind": "backend", "route": "/api"},
    {"name": "web", "kind": "frontend", "route": "/"},
]


def suite(services: Any = None, **answers: Any) -> model.Suite:
    base = {"project_name": "Acme Platform", "project_slug": "acme", "organization": "acme"}
    return build_suite(**{**base, **answers}, services=DEFAULT if services is None else services)


def rejected(services: Any, **answers: Any) -> str:
    with pytest.raises(ManifestError) as caught:
        suite(services, **answers)
    return str(caught.value)


def test_defaults_give_the_documented_ports_and_routes() -> None:
    api, web = suite().services
    assert (api.port, api.route, web.port, web.route) == (8000, "/api", 3100, "/")
    assert web.traefik_rule == "PathPrefix(`/`)"
    # Metrics: the backend's own port; the frontend's second port, which the edge never routes.
    assert (api.metrics_port, web.metrics_port) == (8000, 3101)
    assert api.metrics_path == web.metrics_path == "/metrics"


def test_frontend_metrics_ports_skip_every_taken_port() -> None:
    services = [{"name": "web", "kind": "frontend", "port": 3100},
                {"name": "admin", "kind": "frontend", "port": 3101},
                {"name": "api", "kind": "backend", "port": 3102},
                {"name": "edge", "kind": "frontend", "port": 4316},
                {"name": "last", "kind": "frontend", "port": 65535}]  # fmt: skip
    ports = {s.name: s.metrics_port for s in suite(services).services}
    # 4317 and 4318 are the OTLP receivers'; the top of the range wraps to its bottom.
    assert ports == {"web": 3103, "admin": 3104, "api": 3102, "edge": 4319, "last": 1024}


def test_derived_names_of_a_backend() -> None:
    api = suite([{"name": "order-svc", "kind": "backend"}]).service("order-svc")
    assert api.env_prefix == "ORDER_SVC_"
    assert api.python_package == "order_svc"
    assert api.npm_package == "acme-order-svc"
    assert api.container_name == "acme-order-svc"
    assert api.image == "ghcr.io/acme/acme-order-svc"
    assert api.compose_url == "http://order-svc:8000"
    assert api.loopback_url == "http://127.0.0.1:8000"
    assert api.route == "/order-svc"
    assert api.route_prefix == "/order-svc"
    assert api.traefik_rule == "Path(`/order-svc`) || PathPrefix(`/order-svc/`)"
    assert api.repo == "https://github.com/acme/acme-order-svc.git"
    assert api.ref == "main"
    assert api.is_backend and not api.is_frontend


def test_python_package_never_shadows_stdlib_or_dependencies() -> None:
    s = suite([{"name": "email", "kind": "backend"}, {"name": "fastapi", "kind": "backend"}])
    assert [x.python_package for x in s.services] == ["email_service", "fastapi_service"]


def test_suite_level_names() -> None:
    s = suite(domain="platform.example.com", registry="registry.example.com:5000/team")
    assert s.public_url == "http://platform.example.com:8080"
    assert s.namespace == "acme"
    assert s.service("api").image == "registry.example.com:5000/team/acme-api"
    assert [b.name for b in s.backends] == ["api"]
    assert [f.name for f in s.frontends] == ["web"]
    assert s.primary_backend == s.service("api")
    assert s.title_of(s.service("api")) == "Acme Platform: api"


def test_shared_answers_pin_allocations() -> None:
    shared = suite([{"name": "api", "kind": "backend"}]).shared_answers()
    assert shared["services"] == [
        {"name": "api", "kind": "backend", "port": 8000, "route": "/api",
         "repo": "https://github.com/acme/acme-api.git", "ref": "main"},
    ]  # fmt: skip
    again = suite(shared["services"])
    assert again.shared_answers() == shared


def test_engines_are_recorded_in_the_suite_s_order_and_each_has_its_url() -> None:
    assert suite().engines == ()
    assert suite(engines=None).shared_answers()["engines"] == []
    chosen = suite(engines=["redis", "nats"])
    assert chosen.shared_answers()["engines"] == ["nats", "redis"]
    assert suite(engines=chosen.shared_answers()["engines"]) == chosen
    assert chosen.uses("redis") and not suite().uses("redis")
    nats, redis = chosen.engines
    assert (nats.env_var, nats.service_url) == ("NATS_URL", "nats://nats:4222")
    assert (redis.env_var, redis.service_url) == ("REDIS_URL", "redis://redis:6379/0")
    assert redis.url("127.0.0.1", 6390) == "redis://127.0.0.1:6390/0"
    # Their ports are the infrastructure's: no service may take them.
    assert {nats.port, redis.port} <= set(model.INFRA_PORTS)
    assert {e.name for e in chosen.engines} <= model.INFRA_NAMES
    with pytest.raises(ManifestError, match=r"engines does not name 'redis'.*\[redis\]"):
        suite(engines=["nats"]).engine("redis")


@pytest.mark.parametrize(
    ("raw", "normal"),
    [("api/", "/api"), ("/api/", "/api"), (" /v1//orders ", "/v1/orders"), ("/", "/"), ("", "/")],
)
def test_routes_are_normalised(raw: str, normal: str) -> None:
    assert model.normalize_route(raw, "x") == normal


def test_missing_ports_skip_taken_and_infrastructure_ports() -> None:
    services = [
        {"name": "a", "kind": "backend", "port": 8001},
        {"name": "b", "kind": "backend"},
        {"name": "c", "kind": "backend"},
        {"name": "f", "kind": "frontend", "port": 3101},
        {"name": "g", "kind": "frontend"},
    ]
    ports = {s.name: s.port for s in suite(services).services}
    assert ports == {"a": 8001, "b": 8000, "c": 8002, "f": 3101, "g": 3100}


def test_allocation_walks_past_reserved_ports() -> None:
    services = [{"name": f"b{i}", "kind": "backend"} for i in range(85)]
    ports = [s.port for s in suite(services).services]
    assert 8080 not in ports and 8081 not in ports
    assert len(set(ports)) == len(ports)


def test_first_frontend_takes_root_only_when_free() -> None:
    s = suite([
        {"name": "admin", "kind": "frontend"},
        {"name": "web", "kind": "frontend", "route": "/"},
        {"name": "api", "kind": "backend"},
    ])  # fmt: skip
    assert [x.route for x in s.services] == ["/admin", "/", "/api"]


@pytest.mark.parametrize(
    ("services", "words"),
    [
        ([{"name": "a", "kind": "backend", "port": 8087}, {"name": "b", "kind": "backend",
          "port": 8087}], ["'a' and 'b' both use port 8087", "omit it"]),
        ([{"name": "a", "kind": "backend", "port": 5432}], ["'a'", "5432", "PostgreSQL"]),
        ([{"name": "a", "kind": "backend", "port": 80}], ["'a'", "port 80", "1024-65535"]),
        ([{"name": "a", "kind": "backend", "port": 70000}], ["'a'", "70000"]),
        ([{"name": "a", "kind": "backend"}, {"name": "a", "kind": "frontend"}],
         ["both named 'a'"]),
        ([{"name": "Bad_Name", "kind": "backend"}], ["'Bad_Name'", "DNS-1123", "'bad-name'"]),
        ([{"name": "x" * 41, "kind": "backend"}], ["41 characters", "at most 40"]),
        ([{"name": "1api", "kind": "backend"}], ["'1api'", "starting with a letter"]),
        ([{"name": "grafana", "kind": "backend"}], ["'grafana'", "infrastructure"]),
        ([{"name": "a", "kind": "frontend", "route": "/"}, {"name": "b", "kind": "frontend",
          "route": "/"}, {"name": "c", "kind": "backend"}], ["'a', 'b'", "route '/'",
                                                              "only one"]),
        ([{"name": "a", "kind": "backend", "route": "/"}], ["backend 'a'", "only a frontend"]),
        ([{"name": "a", "kind": "backend", "route": "/x"}, {"name": "b", "kind": "backend",
          "route": "x/"}], ["'a' and 'b' both use route '/x'"]),
        ([{"name": "a", "kind": "backend", "route": "/api"}, {"name": "b", "kind": "backend",
          "route": "/api/v2"}], ["'a' at '/api' shadows 'b'"]),
        ([{"name": "a", "kind": "backend", "route": "/a b"}], ["'a'", "'a b'", "path segment"]),
        ([{"name": "a", "kind": "database"}], ["service 'a'", "kind", "'backend' or 'frontend'"]),
        ([{"name": "a", "kind": "backend", "port": "8000"}], ["service 'a'", "port"]),
        ([{"name": "a", "kind": "backend", "colour": "red"}], ["service 'a'", "colour",
                                                              "allowed keys"]),
        ([{"kind": "backend"}], ["services[0]", "name"]),
        (["api"], ["services[0]", "not a mapping"]),
        ([{"name": "web", "kind": "frontend"}], ["no backend", "{name: api, kind: backend}"]),
        ([], ["non-empty"]),
        ("api", ["non-empty YAML list"]),
    ],
)  # fmt: skip
def test_bad_manifests_name_the_culprit(services: Any, words: list[str]) -> None:
    message = rejected(services)
    for word in words:
        assert word in message, message


@pytest.mark.parametrize(
    ("answers", "words"),
    [
        ({"project_slug": "My Slug"}, ["project_slug", "'my-slug'"]),
        ({"organization": "-acme"}, ["organization", "'-acme'"]),
        ({"organization": "acme-"}, ["organization"]),
        ({"domain": "http://x.com"}, ["domain", "no scheme"]),
        ({"registry": "GHCR.io/Acme"}, ["registry", "lowercase"]),
        ({"python_version": "3.9"}, ["python_version", "3.11, 3.12, 3.13"]),
        ({"node_version": "18"}, ["node_version", "20, 22, 24"]),
        ({"engines": "nats"}, ["engines 'nats' is not a list", "e.g. [nats, redis]"]),
        ({"engines": [{"name": "nats"}]}, ["not a list of engine names"]),
        ({"engines": ["kafka"]}, ["'kafka', which the suite does not run", "nats, redis"]),
        ({"engines": ["redis", "redis"]}, ["'redis' 2 times", "name each engine once"]),
        ({"auth": "jwt"}, ["auth", "none, oidc"]),
    ],
)
def test_bad_project_answers_are_rejected(answers: dict[str, str], words: list[str]) -> None:
    message = rejected(None, **answers)
    for word in words:
        assert word in message, message


def test_select_service_defaults_to_first_of_kind() -> None:
    s = suite([{"name": "web", "kind": "frontend"}, {"name": "a", "kind": "backend"},
               {"name": "b", "kind": "backend"}])  # fmt: skip
    assert select_service(s, "backend", None).name == "a"
    assert select_service(s, "backend", "b").name == "b"


def test_select_service_rejects_wrong_kind_and_unknown_names() -> None:
    s = suite()
    with pytest.raises(ManifestError, match="'web' is a frontend"):
        select_service(s, "backend", "web")
    with pytest.raises(ManifestError, match=r"no service named 'nope'.*'api', 'web'"):
        select_service(s, "backend", "nope")
    only_api = suite([{"name": "api", "kind": "backend"}])
    with pytest.raises(ManifestError, match="services has no frontend"):
        select_service(only_api, "frontend", None)


@pytest.mark.parametrize(
    ("text", "slug"),
    [("My Platform!", "my-platform"), ("  42 Things  ", "things"), ("ÄÖÜ", "aou"),
     ("a" * 60, "a" * 40), ("Acme--Inc", "acme-inc")],
)  # fmt: skip
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug
    model.check_name(slug, "slug")


def test_check_services_uses_neutral_project_answers() -> None:
    assert [s.name for s in check_services(DEFAULT).services] == ["api", "web"]


def test_owners_are_optional_and_kept_in_order() -> None:
    owned = [
        {"name": "api", "kind": "backend", "owners": ["@acme/payments", "@octo-cat"]},
        {"name": "web", "kind": "frontend", "owners": ["@acme/web", "@octo-cat"]},
        {"name": "jobs", "kind": "backend"},
    ]
    s = suite(owned)
    assert s.service("api").owners == ("@acme/payments", "@octo-cat")
    assert s.service("jobs").owners == ()
    assert s.owners == ("@acme/payments", "@octo-cat", "@acme/web")
    recorded = s.shared_answers()["services"]
    assert recorded[0]["owners"] == ["@acme/payments", "@octo-cat"]
    assert "owners" not in recorded[2]
    assert suite(recorded).shared_answers()["services"] == recorded


@pytest.mark.parametrize(
    ("owners", "expected"),
    [
        (["acme/payments"], "neither a GitHub user nor a team"),
        (["@acme/"], "neither a GitHub user nor a team"),
        (["@-dash"], "neither a GitHub user nor a team"),
        (["@a--b"], "neither a GitHub user nor a team"),
        (["@user name"], "neither a GitHub user nor a team"),
        (["@x", "@x"], "lists an owner twice"),
        ("@acme/payments", "give a list such as"),
        ([7], "give a list such as"),
    ],
)
def test_bad_owners_are_rejected_with_the_fix(owners: Any, expected: str) -> None:
    message = rejected([{"name": "api", "kind": "backend", "owners": owners}])
    assert expected in message
    assert "'api'" in message


def test_consumes_is_optional_and_recorded() -> None:
    services = [
        {"name": "orders", "kind": "backend"},
        {"name": "billing", "kind": "backend", "consumes": ["orders"]},
        {"name": "web", "kind": "frontend"},
    ]
    s = suite(services, engines=["nats"])
    assert s.service("billing").consumes == ("orders",)
    assert s.service("orders").consumes == ()
    recorded = s.shared_answers()["services"]
    assert recorded[1]["consumes"] == ["orders"]
    assert "consumes" not in recorded[0]
    assert suite(recorded, engines=["nats"]).shared_answers()["services"] == recorded


def test_a_consumer_needs_nats_among_the_engines() -> None:
    services = [{"name": "orders", "kind": "backend"},
                {"name": "billing", "kind": "backend", "consumes": ["orders"]}]  # fmt: skip
    message = rejected(services, engines=["redis"])
    assert "'billing' consumes other backends' events" in message
    assert "add nats to engines" in message


@pytest.mark.parametrize(
    ("consumes", "expected"),
    [
        (["nowhere"], "consumes 'nowhere', which is not a service of the manifest"),
        (["web"], "consumes 'web', which is a frontend: only backends publish events"),
        (["api"], "consumes its own events"),
        (["orders", "orders"], "lists a producer twice"),
        ("orders", "give a list of backend names"),
    ],
)
def test_bad_consumes_are_rejected_with_the_fix(consumes: Any, expected: str) -> None:
    message = rejected(
        [
            {"name": "api", "kind": "backend", "consumes": consumes},
            {"name": "orders", "kind": "backend"},
            {"name": "web", "kind": "frontend"},
        ]
    )
    assert expected in message


def test_a_frontend_consumes_nothing() -> None:
    web = {"name": "web", "kind": "frontend", "consumes": ["api"]}
    message = rejected([{"name": "api", "kind": "backend"}, web])
    assert "only a backend consumes events" in message


def test_events_are_named_after_the_service() -> None:
    service = suite([{"name": "order-desk", "kind": "backend"}]).service("order-desk")
    assert service.events_subject_prefix == "order-desk"
    assert service.events_stream == "EVENTS_ORDER_DESK"


def test_environments_map_branches_to_overlays_and_namespaces() -> None:
    s = suite(domain="shop.example.com")
    staging, production = s.environments
    assert (staging.name, staging.overlay, staging.namespace, staging.branch) == (
        "staging",
        "staging",
        "acme-staging",
        "dev",
    )
    assert staging.host == "staging.shop.example.com"
    assert (production.overlay, production.namespace, production.host, production.branch) == (
        "prod",
        "acme",
        "shop.example.com",
        "main",
    )
    assert s.environment("production") is not None and s.environment("staging") == staging
