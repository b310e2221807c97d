"""Tier 1: the names and pins the meta-repo's Terraform modules render from."""

from __future__ import annotations

import pytest

import model
from model import build_suite

pytestmark = pytest.mark.unit

SERVICES = [
    {"name": "api", "kind": "backend"},
    {"name": "order-svc", "kind": "backend"},
    {"name": "web", "kind": "frontend"},
]


def suite(**answers: str) -> model.Suite:
    base = {"project_name": "Acme", "project_slug": "acme", "organization": "acme"}
    return build_suite(**{**base, **answers}, services=SERVICES)


def test_every_backend_gets_its_database_names() -> None:
    order = suite().service("order-svc")
    assert order.database_name == order.database_user == "order_svc"
    assert order.database_secret == "order-svc-db"
    assert order.cloud_secret_name == "acme-order-svc-database"


@pytest.mark.parametrize(
    ("registry", "cloud"),
    [
        ("ghcr.io/acme", ""),
        ("123456789012.dkr.ecr.eu-west-1.amazonaws.com", "aws"),
        ("123456789012.dkr.ecr.eu-west-1.amazonaws.com/team", "aws"),
        ("europe-west1-docker.pkg.dev/acme-prod/acme", "gcp"),
        ("registry.digitalocean.com/acme", "digitalocean"),
        ("abc123de.gra7.container-registry.ovh.net/acme", "ovh"),
        ("registry.example.com/digitalocean", ""),
    ],
)
def test_registry_cloud_names_the_cloud_whose_registry_the_answer_is(
    registry: str, cloud: str
) -> None:
    assert suite(registry=registry).registry_cloud == cloud


def test_every_cloud_pins_its_providers_exactly() -> None:
    s = suite()
    assert s.clouds == ("aws", "gcp", "digitalocean", "ovh")
    for cloud in s.clouds:
        providers = s.terraform_providers(cloud)
        assert providers, cloud
        for name, source, version in providers:
            assert source.endswith("/" + name)
            assert version.count(".") == 2 and version.replace(".", "").isdigit()
    assert s.terraform_providers("aws") == [("aws", "hashicorp/aws", model.PROVIDER_PINS["aws"][1])]
    assert s.terraform_version.startswith(">=")


def test_cloud_name_fits_the_limit_and_never_ends_in_a_hyphen() -> None:
    assert suite().cloud_name("nodes", 30) == "acme-nodes"
    long = suite(project_slug="a-very-long-project-slug-with-many-parts")
    name = long.cloud_name("nodes", 30)
    assert len(name) <= 30
    assert name == "a-very-long-project-slug-nodes"
    assert long.cloud_name("nodes", 20) == "a-very-long-pr-nodes"
    assert not long.cloud_name("x", 8).replace("-x", "").endswith("-")


def test_cloud_registry_name_follows_the_registry_answer() -> None:
    assert suite().cloud_registry_name("gcp") == "acme"
    assert suite().cloud_registry_name("digitalocean") == "acme"
    gcp = suite(registry="europe-west1-docker.pkg.dev/acme-prod/images")
    assert gcp.cloud_registry_name("gcp") == "images"
    assert gcp.cloud_registry_name("digitalocean") == "acme"
    team = suite(registry="registry.digitalocean.com/team")
    assert team.cloud_registry_name("digitalocean") == "team"
    bare = suite(registry="registry.digitalocean.com")
    assert bare.cloud_registry_name("digitalocean") == "acme"
