"""The backend repo's container, compose, CI/CD and Kubernetes configs pass their real tools.

The backend is rendered once per variant: the defaults, `auth=oidc`, and a second backend of
a larger manifest (its own route, port and a registry other than ghcr.io). Every config is
checked by the tool that reads it in production; the Dockerfile's build steps run natively
(no Docker daemon here) and the resulting runtime tree serves and passes its HEALTHCHECK.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from local_ci import check_local_ci

from deploy_checks import check_deploy_manifests, check_deploy_workflows
from helpers import free_port, render, run, tool
from model import SHARED_KEYS, Service, build_suite, select_service
from services import create_database

pytestmark = pytest.mark.generated

VARIANTS: dict[str, dict[str, Any]] = {
    "defaults": {},
    "oidc": {"auth": "oidc"},
    "billing": {
        "services": [
            {"name": "api", "kind": "backend", "route": "/api"},
            {"name": "billing", "kind": "backend", "route": "/billing", "port": 8123},
            {"name": "web", "kind": "frontend", "route": "/"},
        ],
        "service_name": "billing",
        "registry": "registry.example.com/acme",
        "domain": "shop.example.com",
        "python_version": "3.13",  # its image is built and served natively on this Python
    },
}
OVERLAYS = ("dev", "staging", "prod")
YAMLLINT_CONFIG = json.dumps(
    {
        "extends": "default",
        "rules": {
            "line-length": {"max": 120},
            "document-start": "disable",
            "truthy": {"check-keys": False},
            # One space before a trailing comment, as Prettier writes the workflows the
            # backend shares with the frontend.
            "comments": {"min-spaces-from-content": 1},
        },
    }
)


@dataclass
class Backend:
    """A rendered backend repo and its service, as the suite model derives it."""

    root: Path
    answers: dict[str, Any]
    service: Service

    @classmethod
    def load(cls, root: Path) -> Backend:
        answers = yaml.safe_load((root / ".copier-answers.yml").read_text())
        suite = build_suite(**{key: answers[key] for key in SHARED_KEYS if key in answers})
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
    assert [Path(p).name for p in workflows] == [
        "ci.yml", "deploy.yml", "image.yml", "polystack-update.yml", "release.yml",
    ]  # fmt: skip
    run([tool("actionlint"), "-no-color"], cwd=backend.root)
    run([tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *workflows])


def test_workflows_pass_zizmor(backend: Backend) -> None:
    run([tool("zizmor"), "--offline", "--no-progress", ".github/workflows"], cwd=backend.root)


def test_ci_steps_call_the_makefile(backend: Backend) -> None:
    ci = yaml.safe_load((backend.root / ".github/workflows/ci.yml").read_text())
    commands = [
        step["run"] for job in ci["jobs"].values() for step in job["steps"] if "run" in step
    ]
    assert {c for c in commands if c != "make setup"} == {
        "make lint",
        "make typecheck",
        "make test",
        "make openapi-check",
        "make commits-check",
    }
    makefile = (backend.root / "Makefile").read_text()
    for target in ("setup", "lint", "typecheck", "test", "openapi-check", "commits-check"):
        assert re.search(rf"^{re.escape(target)}:", makefile, re.MULTILINE), target
    services = ci["jobs"]["test"]["services"]
    assert services["postgres"]["image"].startswith("postgres:16")


def test_ci_runs_locally_with_act_or_the_same_make_targets(backend: Backend) -> None:
    check_local_ci(backend.root)


def test_uv_is_pinned_alike_in_the_image_and_in_ci(backend: Backend) -> None:
    steps = instructions((backend.root / "Dockerfile").read_text())
    args = dict(a.split("=", 1) for k, a in steps if k == "ARG" and "=" in a)
    image_uv = args["UV_IMAGE"].rsplit(":", 1)[1]
    pins = set()
    for name in ("ci.yml", "release.yml"):
        workflow = yaml.safe_load((backend.root / ".github/workflows" / name).read_text())
        for job in workflow["jobs"].values():
            for step in job.get("steps", []):
                if step.get("uses", "").startswith("astral-sh/setup-uv@"):
                    pins.add(step["with"]["version"])
    assert pins == {image_uv}


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
    assert tags == {"main"} if overlay == "dev" else tags not in ({"main"}, set())


def test_deploy_manifests_validate_for_every_environment(backend: Backend, tmp_path: Path) -> None:
    check_deploy_manifests(backend.root, tmp_path)


def test_deploy_workflow_uses_oidc_environments_and_rolls_back(backend: Backend) -> None:
    check_deploy_workflows(backend.root)


def test_base_holds_the_contract(backend: Backend) -> None:
    docs = kustomize(backend, "base")
    name = backend.service.name
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
    assert ("OIDC_ISSUER" in config) is (backend.answers["auth"] == "oidc")
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


def dockerignore(root: Path) -> list[tuple[bool, re.Pattern[str]]]:
    """(negated, pattern) per `.dockerignore` line, with Docker's path-wise wildcards."""
    rules = []
    for raw in (root / ".dockerignore").read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        glob = line.removeprefix("!").strip("/")
        wildcards = {"**/": "(.*/)?", "**": ".*", "*": "[^/]*", "?": "[^/]"}
        tokens = re.split(r"(\*\*/|\*\*|\*|\?|\[[^]]*\])", glob)
        regex = "".join(
            wildcards.get(part, part if part.startswith("[") else re.escape(part))
            for part in tokens
        )
        rules.append((negated, re.compile(rf"{regex}(/.*)?")))
    return rules


def build_context(root: Path, dest: Path) -> Path:
    """What `docker build .` sends: every file no `.dockerignore` rule excludes (last wins)."""
    rules = dockerignore(root)
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if not path.is_file() or relative.startswith(".git/"):
            continue
        excluded = False
        for negated, pattern in rules:
            if pattern.fullmatch(relative):
                excluded = not negated
        if not excluded:
            (dest / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, dest / relative)
    return dest


def expand(value: str, env: dict[str, str]) -> str:
    return re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda m: env.get(m[1] or m[2], ""), value)


def uv_binary() -> str:
    """The real uv: a pyenv shim would pick its interpreter by the repo's .python-version."""
    found = tool("uv")
    if "/shims/" in found:
        found = run(["pyenv", "which", "uv"], cwd=Path.home()).stdout.strip()
    return found


# The image is built natively for the default service and for one with its own route and port.
BUILT = pytest.mark.parametrize("backend", ["defaults", "billing"], indirect=True)


@dataclass
class Image:
    """The runtime tree the Dockerfile's stages produce, built natively."""

    root: Path  # stands for the image's WORKDIR
    env: dict[str, str]  # the runtime stage's ENV, with the image's paths mapped
    cmd: list[str]
    healthcheck: list[str]


@pytest.fixture(scope="module")
def image(backend: Backend, tmp_path_factory: pytest.TempPathFactory) -> Image:
    """Run the build stage's steps in a copy of the build context, keep what the runtime
    stage copies from it, and read the runtime stage's ENV, CMD and HEALTHCHECK."""
    steps = instructions((backend.root / "Dockerfile").read_text())
    stages: dict[str, list[tuple[str, str]]] = {}
    for keyword, args in steps:
        if keyword == "FROM":
            current = stages.setdefault(args.split(" AS ")[-1], [])
        elif stages:
            current.append((keyword, args))
    workdir = dict(stages["build"])["WORKDIR"]
    assert dict(stages["runtime"])["WORKDIR"] == workdir

    root = build_context(backend.root, tmp_path_factory.mktemp("image") / "app")
    env = {**os.environ, "UV_PYTHON": backend.answers["python_version"]}
    env.pop("VIRTUAL_ENV", None)
    uv = uv_binary()
    for keyword, args in stages["build"]:
        if keyword == "ENV":
            env.update(item.split("=", 1) for item in shlex.split(args))
        elif keyword == "RUN":
            command = re.sub(r"^(--mount=\S+\s+)+", "", args)
            assert command.startswith("uv "), f"unexpected build step: {command}"
            run([uv, *shlex.split(command)[1:]], cwd=root, env=env, timeout=600)

    kept = []
    for keyword, args in stages["runtime"]:
        if keyword == "COPY" and "--from=build" in args:
            source, target = [a for a in args.split() if not a.startswith("--")]
            assert source == target and source.startswith(f"{workdir}/"), args
            kept.append(source.removeprefix(f"{workdir}/"))
    assert kept == [".venv"]
    for path in root.iterdir():
        if path.name not in kept:
            shutil.rmtree(path) if path.is_dir() else path.unlink()

    runtime_env = {"PATH": os.environ["PATH"]}
    for keyword, args in stages["runtime"]:
        if keyword == "ENV":
            for item in shlex.split(args):
                name, value = item.split("=", 1)
                runtime_env[name] = expand(value, runtime_env).replace(workdir, str(root))
    healthcheck = dict(stages["runtime"])["HEALTHCHECK"]
    return Image(
        root=root,
        env=runtime_env,
        cmd=json.loads(dict(stages["runtime"])["CMD"]),
        healthcheck=json.loads(healthcheck.split(" CMD ", 1)[1]),
    )


@pytest.mark.xdist_group("backend-image")
@BUILT
def test_image_has_no_dev_dependencies(image: Image) -> None:
    python = image.root / ".venv" / "bin" / "python"
    for module in ("pytest", "mypy", "ruff", "schemathesis"):
        probe = f"import importlib.util as u; raise SystemExit(u.find_spec({module!r}) is not None)"
        assert run([python, "-c", probe], check=False).returncode == 0, f"{module} in the image"


@pytest.mark.xdist_group("backend-image")
@BUILT
def test_image_migrates_serves_and_passes_its_healthcheck(
    backend: Backend, image: Image, postgres: str
) -> None:
    # The pod's environment as the Kubernetes base sets it: image ENV, then the ConfigMap,
    # with the Secret's DATABASE_URL; only the address is moved to a free loopback port.
    base = {d["kind"]: d for d in kustomize(backend, "base")}
    env = {
        **image.env,
        **base["ConfigMap"]["data"],
        "HOST": "127.0.0.1",
        "PORT": str(free_port()),
        "DATABASE_URL": create_database(postgres, f"image_{backend.service.python_package}"),
    }
    pod = base["Deployment"]["spec"]["template"]["spec"]
    migrate = pod["initContainers"][0]["command"]
    run(migrate, cwd=image.root, env=env, timeout=120)

    log = (image.root.parent / "serve.log").open("w")
    server = subprocess.Popen(
        image.cmd, cwd=image.root, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            probe = run(image.healthcheck, cwd=image.root, env=env, check=False, timeout=10)
            if probe.returncode == 0:
                break
            assert server.poll() is None, (image.root.parent / "serve.log").read_text()
            assert time.monotonic() < deadline, probe.stdout
            time.sleep(0.5)
    finally:
        server.send_signal(signal.SIGTERM)
        code = server.wait(timeout=30)
        log.close()
    # Graceful: uvicorn finishes, then re-raises the SIGTERM it caught (as in a container).
    assert code in (0, -signal.SIGTERM), (image.root.parent / "serve.log").read_text()
    # The healthcheck fails once the server is gone: it probes, it does not just exit 0.
    assert run(image.healthcheck, env=env, check=False, timeout=10).returncode != 0


@pytest.mark.xdist_group("backend-image")
@pytest.mark.parametrize("backend", ["defaults"], indirect=True)
def test_benchmark_prints_its_figures(backend: Backend, image: Image) -> None:
    """The service and the floor app, each on both routes, and their ratios."""
    python = image.root / ".venv" / "bin" / "python"
    args = ["--requests", "40", "--duration", "3", "--rounds", "2", "--concurrency", "4"]
    out = run([python, "bench/run.py", *args], cwd=backend.root, timeout=240).stdout
    prefix = backend.prefix
    for route in (f"{prefix}/healthz", f"{prefix}/items"):
        for app in ("service", "floor"):
            row = re.search(
                rf"^{re.escape(route)}\S* +{app} +(\d+) +(\d+) +([\d.]+) +([\d.]+) +([\d.]+)$",
                out,
                re.MULTILINE,
            )
            assert row, f"no {app} figures for {route}:\n{out}"
            assert int(row[1]) > 0
            assert int(row[2]) == 0
        assert re.search(
            rf"^ratio service/floor req/s for {re.escape(route)}\S*: [\d.]+$", out, re.MULTILINE
        ), out
    exports = re.search(r"the OTLP sink received (\d+) trace exports", out)
    assert exports and int(exports[1]) > 0, out


def test_deployment_guide_names_real_files_and_commands(backend: Backend) -> None:
    guide = (backend.root / "docs" / "deployment.md").read_text()
    spans = set(re.findall(r"`([^`\s]+)`", guide))
    tops = ("k8s/", ".github/", "docs/", "bench/", "src/")
    paths = {s for s in spans if s.startswith(tops)}
    paths |= spans & {".env.example", "pyproject.toml", "uv.lock", "Dockerfile"}
    assert {"k8s/base", "k8s/overlays/dev", "k8s/overlays/prod"} <= paths
    for path in paths:
        assert (backend.root / path).exists(), f"docs/deployment.md names a missing {path}"
    blocks = re.findall(r"```sh\n(.*?)```", guide, re.DOTALL)
    renders = [
        line.split("#")[0].split()
        for block in blocks
        for line in block.splitlines()
        if line.startswith("kubectl kustomize ")
    ]
    assert renders
    for command in renders:
        run([tool("kubectl"), *command[1:]], cwd=backend.root)
