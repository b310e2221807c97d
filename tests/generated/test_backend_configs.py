"""The backend repo's container, compose, CI/CD and Kubernetes configs pass their real tools.

The backend is rendered once per variant: the defaults, `auth=jwt`, and a second backend of
a larger manifest (its own route, port and a registry other than ghcr.io). Every config is
checked by the tool that reads it in production; the Dockerfile's build steps run natively
(no Docker daemon here) and the resulting runtime tree serves and passes its HEALTHCHECK.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from helpers import render, run, tool
from model import Service, build_suite, select_service

pytestmark = pytest.mark.generated

VARIANTS: dict[str, dict[str, Any]] = {
    "defaults": {},
    "jwt": {"auth": "jwt"},
    "billing": {
        "services": [
            {"name": "api", "kind": "backend", "route": "/api"},
            {"name": "billing", "kind": "backend", "route": "/billing", "port": 8123},
            {"name": "web", "kind": "frontend", "route": "/"},
        ],
        "service_name": "billing",
        "registry": "registry.example.com/acme",
        "domain": "shop.example.com",
    },
}
OVERLAYS = ("dev", "prod")
YAMLLINT_CONFIG = json.dumps(
    {
        "extends": "default",
        "rules": {
            "line-length": {"max": 120},
            "document-start": "disable",
            "truthy": {"check-keys": False},
        },
    }
)


SHARED = ("project_name", "project_slug", "organization", "domain", "registry",
          "python_version", "node_version", "services")  # fmt: skip


@dataclass
class Backend:
    """A rendered backend repo and its service, as the suite model derives it."""

    root: Path
    answers: dict[str, Any]
    service: Service

    @classmethod
    def load(cls, root: Path) -> Backend:
        answers = yaml.safe_load((root / ".copier-answers.yml").read_text())
        suite = build_suite(**{key: answers[key] for key in SHARED})
        return cls(root, answers, select_service(suite, "backend", answers["service_name"]))

    @property
    def prefix(self) -> str:
        return self.service.route_prefix


@pytest.fixture(scope="module", params=sorted(VARIANTS))
def backend(
    request: pytest.FixtureRequest, template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Backend:
    variant = request.param
    root = render(
        template,
        tmp_path_factory.mktemp(f"backend-{variant}") / "service",
        {"template_kind": "backend", **VARIANTS[variant]},
    )
    return Backend.load(root)


# ---- container ------------------------------------------------------------------------------


def test_dockerfile_passes_hadolint(backend: Backend) -> None:
    run([tool("hadolint"), "Dockerfile"], cwd=backend.root)


def test_dockerfile_takes_base_images_as_build_args(backend: Backend) -> None:
    steps = instructions((backend.root / "Dockerfile").read_text())
    args = dict(a.split("=", 1) for k, a in steps if k == "ARG" and "=" in a)
    assert args["PYTHON_IMAGE"] == f"python:{backend.answers['python_version']}-slim"
    assert {a for k, a in steps if k == "FROM"} >= {
        "${PYTHON_IMAGE} AS build",
        "${PYTHON_IMAGE} AS runtime",
    }
    assert ("EXPOSE", str(backend.service.port)) in steps
    user = [a for k, a in steps if k == "USER"]
    assert user, "the runtime must not run as root"
    assert json.loads(dict(steps)["CMD"]) == [
        "python",
        "-m",
        backend.service.python_package,
        "serve",
    ]


# ---- compose --------------------------------------------------------------------------------


def test_compose_file_is_valid(backend: Backend) -> None:
    compose = tool("docker-compose")
    run([compose, "-f", "compose.yaml", "config", "-q"], cwd=backend.root)
    run(
        [tool("check-jsonschema"), "--builtin-schema", "vendor.compose-spec", "compose.yaml"],
        cwd=backend.root,
    )
    config = json.loads(
        run([compose, "-f", "compose.yaml", "config", "--format", "json"], cwd=backend.root).stdout
    )
    app = config["services"][backend.service.name]
    assert app["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert config["services"]["postgres"]["image"].startswith("postgres:16")
    for service in config["services"].values():
        assert service["healthcheck"]["test"], service
    assert app["environment"]["DATABASE_URL"].startswith("postgresql+asyncpg://")
    assert app["environment"]["PORT"] == str(backend.service.port)
    published = app["ports"][0]
    assert (published["host_ip"], published["target"]) == ("127.0.0.1", backend.service.port)
    probe = " ".join(app["healthcheck"]["test"])
    assert f":{backend.service.port}{backend.prefix}/readyz" in probe


# ---- CI/CD ----------------------------------------------------------------------------------


def test_workflows_pass_actionlint_and_the_schema(backend: Backend) -> None:
    workflows = sorted(str(p) for p in (backend.root / ".github" / "workflows").glob("*.yml"))
    assert [Path(p).name for p in workflows] == ["ci.yml", "image.yml", "release.yml"]
    run([tool("actionlint"), "-no-color"], cwd=backend.root)
    run([tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *workflows])


def test_workflows_pass_zizmor(backend: Backend) -> None:
    run([tool("zizmor"), "--offline", "--no-progress", ".github/workflows"], cwd=backend.root)


def test_image_workflow_pushes_to_the_service_image(backend: Backend) -> None:
    image = yaml.safe_load((backend.root / ".github/workflows/image.yml").read_text())
    assert image["env"]["IMAGE"] == backend.service.image
    assert image["env"]["REGISTRY"] == backend.service.registry_host
    permissions = image["jobs"]["image"]["permissions"]
    assert ("packages" in permissions) is (backend.service.registry_host == "ghcr.io")


def test_configs_pass_yamllint(backend: Backend) -> None:
    files = ["compose.yaml"] + [
        str(p.relative_to(backend.root))
        for folder in (".github", "k8s")
        for p in sorted((backend.root / folder).rglob("*.y*ml"))
    ]
    run([tool("yamllint"), "--strict", "-d", YAMLLINT_CONFIG, *files], cwd=backend.root)


# ---- Kubernetes -----------------------------------------------------------------------------


def kustomize(backend: Backend, target: str) -> list[dict[str, Any]]:
    out = run([tool("kubectl"), "kustomize", f"k8s/{target}"], cwd=backend.root).stdout
    return [doc for doc in yaml.safe_load_all(out) if doc]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_overlay_passes_kubernetes_validate(backend: Backend, overlay: str, tmp_path: Path) -> None:
    manifest = tmp_path / f"{overlay}.yaml"
    manifest.write_text(
        run([tool("kubectl"), "kustomize", f"k8s/overlays/{overlay}"], cwd=backend.root).stdout
    )
    run([tool("kubernetes-validate"), "--strict", "-k", "1.33.0", str(manifest)])
    docs = yaml.safe_load_all(manifest.read_text())
    tags = {
        c["image"].rsplit(":", 1)[1]
        for d in docs
        if d["kind"] == "Deployment"
        for c in d["spec"]["template"]["spec"]["containers"]
        + d["spec"]["template"]["spec"]["initContainers"]
    }
    assert len(tags) == 1
    assert tags != {"main"} if overlay == "prod" else tags == {"main"}


def test_base_holds_the_contract(backend: Backend) -> None:
    docs = kustomize(backend, "base")
    name = backend.service.k8s_name
    kinds = {(d["kind"], d["metadata"]["name"]) for d in docs}
    expected = ("Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget",
                "ConfigMap", "Ingress")  # fmt: skip
    assert kinds == {(kind, name) for kind in expected}
    assert all("namespace" not in d["metadata"] for d in docs)
    by_kind = {d["kind"]: d for d in docs}

    pod = by_kind["Deployment"]["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault"
    assert {"name": "tmp", "emptyDir": {"sizeLimit": "64Mi"}} in pod["volumes"]
    (app,) = pod["containers"]
    (migrate,) = pod["initContainers"]
    assert migrate["command"] == ["python", "-m", backend.service.python_package, "migrate"]
    for container in (app, migrate):
        context = container["securityContext"]
        assert context["readOnlyRootFilesystem"] is True
        assert context["capabilities"]["drop"] == ["ALL"]
        assert {"name": "tmp", "mountPath": "/tmp"} in container["volumeMounts"]
        assert container["resources"]["requests"]
        (database,) = container["env"]
        assert database["valueFrom"]["secretKeyRef"] == {
            "name": f"{name}-db",
            "key": "DATABASE_URL",
        }
    assert app["ports"][0]["containerPort"] == backend.service.port
    assert app["livenessProbe"]["httpGet"]["path"] == f"{backend.prefix}/healthz"
    assert app["readinessProbe"]["httpGet"]["path"] == f"{backend.prefix}/readyz"

    config = by_kind["ConfigMap"]["data"]
    assert "DATABASE_URL" not in config
    assert config["PORT"] == str(backend.service.port)
    assert ("JWKS_URL" in config) is (backend.answers["auth"] == "jwt")
    assert by_kind["HorizontalPodAutoscaler"]["apiVersion"] == "autoscaling/v2"

    ingress = by_kind["Ingress"]["spec"]
    assert ingress["ingressClassName"] == "traefik"
    (rule,) = ingress["rules"]
    assert rule["host"] == backend.answers["domain"]
    (path,) = rule["http"]["paths"]
    assert (path["path"], path["pathType"]) == (backend.service.route, "Prefix")
    assert path["backend"]["service"] == {"name": name, "port": {"name": "http"}}


# ---- the Dockerfile's build steps, natively ---------------------------------------------------


def instructions(text: str) -> list[tuple[str, str]]:
    """(KEYWORD, arguments) of each Dockerfile instruction, continuations joined."""
    steps: list[tuple[str, str]] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("#") or (not line and not pending):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        keyword, _, rest = (pending + line).partition(" ")
        steps.append((keyword.upper(), rest.strip()))
        pending = ""
    return steps
