"""Tier 3: a frontend repo's container, compose, CI/CD, Kubernetes and benchmark files.

Each file goes through the tool its ecosystem uses (hadolint, Compose, actionlint, zizmor,
yamllint, kustomize + kubernetes-validate, bash, node), for the default frontend and for one at
/admin whose backend is at /billing on a registry other than GHCR.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from kube_oidc import check_kube_oidc
from local_ci import check_local_ci

from deploy_checks import check_deploy_manifests, check_deploy_workflows
from helpers import ROOT, free_port, render, run, tool
from node_runtimes import repo_node_env

pytestmark = pytest.mark.generated

VARIANTS: dict[str, dict[str, Any]] = {
    "defaults": {},
    "admin-billing": {
        "node_version": "24",
        "registry": "registry.example.com:5000/team",
        "services": [
            {"name": "admin", "kind": "frontend", "route": "/admin"},
            {"name": "billing", "kind": "backend", "route": "/billing", "port": 8123},
        ],
    },
}
# What each variant's own names must be, as the suite model derives them.
EXPECTED = {
    "defaults": {"name": "web", "port": 3100, "route": "/", "health": "/healthz",
                 "backend_url": "http://api:8000", "backend_prefix": "/api",
                 "image": "ghcr.io/acme/my-platform-web"},
    "admin-billing": {"name": "admin", "port": 3100, "route": "/admin",
                      "health": "/admin/healthz", "backend_url": "http://billing:8123",
                      "backend_prefix": "/billing",
                      "image": "registry.example.com:5000/team/my-platform-admin"},
}  # fmt: skip
OVERLAYS = ("dev", "staging", "prod")
WORKFLOWS = ("ci.yml", "deploy.yml", "image.yml", "polystack-update.yml", "release.yml")
KINDS = ("ConfigMap", "Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget",
         "Ingress")  # fmt: skip


@pytest.fixture(scope="module")
def renders(template: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("frontend-configs")
    return {
        variant: render(template, base / variant, {"template_kind": "frontend", **data})
        for variant, data in VARIANTS.items()
    }


@pytest.fixture(params=list(VARIANTS))
def variant(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_dockerfile_passes_hadolint(renders: dict[str, Path], variant: str) -> None:
    out = renders[variant]
    run([tool("hadolint"), "--failure-threshold", "info", "Dockerfile"], cwd=out)
    text = (out / "Dockerfile").read_text()
    port, health = EXPECTED[variant]["port"], EXPECTED[variant]["health"]
    assert f"PORT={port}" in text and f"EXPOSE {port}" in text
    assert f"{health}')" in text, "HEALTHCHECK must probe the route the app serves"


def test_dockerfile_build_inputs_exist(renders: dict[str, Path], variant: str) -> None:
    """Every file the deps and build stages COPY from the context is in the repo and not ignored."""
    out = renders[variant]
    ignored = {
        line.strip()
        for line in (out / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    for line in (out / "Dockerfile").read_text().splitlines():
        parts = line.split()
        if not parts or parts[0] != "COPY" or any(p.startswith("--from") for p in parts):
            continue
        for source in parts[1:-1]:
            if source == ".":
                continue
            assert (out / source).exists(), f"Dockerfile copies {source}, missing in the repo"
            assert source not in ignored, f".dockerignore drops {source}, which the build needs"


def test_compose_is_valid(renders: dict[str, Path], variant: str) -> None:
    out = renders[variant]
    compose = tool("docker-compose")
    run([compose, "-f", "compose.yaml", "config", "-q"], cwd=out)
    run([tool("check-jsonschema"), "--builtin-schema", "vendor.compose-spec", "compose.yaml"],
        cwd=out)  # fmt: skip
    config = json.loads(run([compose, "-f", "compose.yaml", "config", "--format", "json"],
                            cwd=out).stdout)  # fmt: skip
    app = config["services"][EXPECTED[variant]["name"]]
    assert app["environment"]["BACKEND_URL"] == "http://mock-api:4010"
    assert app["depends_on"]["mock-api"]["condition"] == "service_healthy"
    assert all(port["host_ip"] == "127.0.0.1" for s in config["services"].values()
               for port in s.get("ports", []))  # fmt: skip
    mock = config["services"]["mock-spec"]["command"]
    assert mock[-1] == EXPECTED[variant]["backend_prefix"]
    # A one-shot service must be adopted by a running one, or `up --wait` reports it as failed.
    adopted = config["services"]["mock-api"]["depends_on"]["mock-spec"]["condition"]
    assert adopted == "service_completed_successfully"


def test_mock_document_has_paths_under_the_backend_prefix(
    renders: dict[str, Path], variant: str, tmp_path: Path
) -> None:
    """The script compose runs before Prism, run natively on the committed document."""
    out = renders[variant]
    prefix = EXPECTED[variant]["backend_prefix"]
    target = tmp_path / "openapi.json"
    node = repo_node_env(out)
    run(["node", "mock/openapi-at-prefix.mjs", "openapi.json", target, prefix], cwd=out, env=node)
    source, moved = json.loads((out / "openapi.json").read_text()), json.loads(target.read_text())
    assert sorted(moved["paths"]) == sorted(prefix + path for path in source["paths"])
    assert {k: v for k, v in moved.items() if k != "paths"} == {
        k: v for k, v in source.items() if k != "paths"
    }
    bad = run(["node", "mock/openapi-at-prefix.mjs", "openapi.json", target, "api/"], cwd=out,
              env=node, check=False)  # fmt: skip
    assert bad.returncode == 2 and "usage" in bad.stdout


def test_workflows_pass_actionlint_and_zizmor(renders: dict[str, Path], variant: str) -> None:
    out = renders[variant]
    files = [f".github/workflows/{name}" for name in WORKFLOWS]
    run([tool("actionlint"), *files], cwd=out)
    run([tool("zizmor"), "--offline", "--persona", "auditor", ".github/workflows"], cwd=out)
    run([tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *files], cwd=out)
    image = yaml.safe_load((out / ".github/workflows/image.yml").read_text())
    assert image["env"]["IMAGE"] == EXPECTED[variant]["image"]


def test_ci_steps_call_existing_make_targets(renders: dict[str, Path]) -> None:
    out = renders["defaults"]
    ci = yaml.safe_load((out / ".github/workflows/ci.yml").read_text())
    steps = [step for job in ci["jobs"].values() for step in job["steps"]]
    targets = [step["run"].split()[1] for step in steps if step.get("run", "").startswith("make ")]
    assert {"setup", "lint", "typecheck", "test", "build", "e2e"} <= set(targets)
    for target in targets:
        run(["make", "-n", target], cwd=out)


def test_ci_runs_locally_with_act_or_the_same_make_targets(
    renders: dict[str, Path], variant: str
) -> None:
    check_local_ci(renders[variant])


def test_yaml_passes_yamllint(renders: dict[str, Path], variant: str) -> None:
    out = renders[variant]
    config = ROOT / ".yamllint.yml"
    run([tool("yamllint"), "--strict", "-c", config, ".github", "k8s", "compose.yaml"], cwd=out)


def kustomize(out: Path, overlay: str) -> list[dict[str, Any]]:
    built = run([tool("kubectl"), "kustomize", f"k8s/overlays/{overlay}"], cwd=out).stdout
    (out / f"k8s-{overlay}.yaml").write_text(built)
    return [doc for doc in yaml.safe_load_all(built) if doc]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_kustomize_overlay_is_valid(renders: dict[str, Path], variant: str, overlay: str) -> None:
    out, expected = renders[variant], EXPECTED[variant]
    docs = kustomize(out, overlay)
    run([tool("kubernetes-validate"), "--strict", "-k", "1.33.0", f"k8s-{overlay}.yaml"], cwd=out)
    kinds = {doc["kind"]: doc for doc in docs}
    assert sorted(kinds) == sorted(KINDS)
    assert {doc["metadata"]["name"] for doc in docs} == {expected["name"]}
    pod = kinds["Deployment"]["spec"]["template"]["spec"]
    container = pod["containers"][0]
    for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
        assert container[probe]["httpGet"]["path"] == expected["health"]
    assert container["image"].startswith(expected["image"] + ":")
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert pod["securityContext"]["runAsNonRoot"] is True
    mounts = {m["mountPath"] for m in container["volumeMounts"]}
    assert mounts == {"/app/.next/cache", "/tmp"}
    assert kinds["ConfigMap"]["data"]["BACKEND_URL"] == expected["backend_url"]
    rule = kinds["Ingress"]["spec"]["rules"][0]
    assert rule["http"]["paths"][0]["path"] == expected["route"]
    assert kinds["Ingress"]["spec"]["ingressClassName"] == "traefik"
    # Prometheus scrapes the pod's `metrics` port, which neither the Service nor the Ingress
    # exposes: the route's prefix (`/` included) never reaches the metrics.
    ports = {port["name"]: port["containerPort"] for port in container["ports"]}
    annotations = kinds["Deployment"]["spec"]["template"]["metadata"]["annotations"]
    env = kinds["ConfigMap"]["data"]  # the container's environment (envFrom)
    assert int(annotations["prometheus.io/port"]) == int(env["METRICS_PORT"]) == ports["metrics"]
    assert ports["metrics"] != ports["http"]
    assert [port["targetPort"] for port in kinds["Service"]["spec"]["ports"]] == ["http"]
    assert rule["http"]["paths"][0]["backend"]["service"]["port"] == {"name": "http"}


def test_deploy_manifests_validate_for_every_environment(
    renders: dict[str, Path], variant: str, tmp_path: Path
) -> None:
    check_deploy_manifests(renders[variant], tmp_path)


def test_deploy_workflow_uses_oidc_environments_and_rolls_back(
    renders: dict[str, Path], variant: str
) -> None:
    check_deploy_workflows(renders[variant])


def test_deploy_sign_in_gives_kubectl_the_job_s_oidc_token(
    renders: dict[str, Path], tmp_path: Path
) -> None:
    """The script is the same in every service repo: one run shows it."""
    check_kube_oidc(renders["defaults"], tmp_path)


def test_base_sets_no_namespace(renders: dict[str, Path], variant: str) -> None:
    built = run([tool("kubectl"), "kustomize", "k8s/base"], cwd=renders[variant]).stdout
    assert all("namespace" not in doc["metadata"] for doc in yaml.safe_load_all(built) if doc)


def test_release_versions_agree(renders: dict[str, Path], variant: str) -> None:
    """Release Please bumps package.json and the prod image tag together: they start equal."""
    out = renders[variant]
    config = json.loads((out / "release-please-config.json").read_text())
    manifest = json.loads((out / ".release-please-manifest.json").read_text())
    package = json.loads((out / "package.json").read_text())
    assert config["packages"]["."]["package-name"] == package["name"]
    extra = config["packages"]["."]["extra-files"][0]["path"]
    tagged = [line for line in (out / extra).read_text().splitlines()
              if "x-release-please-version" in line]  # fmt: skip
    assert len(tagged) == 1
    assert manifest["."] == package["version"] == tagged[0].split()[1]


def test_deployment_doc_commands_parse(renders: dict[str, Path], variant: str) -> None:
    """Its shell blocks are valid bash and the repo files it names exist."""
    out = renders[variant]
    text = (out / "docs/deployment.md").read_text()
    blocks = re.findall(r"```sh\n(.*?)```", text, flags=re.S)
    assert blocks
    for block in blocks:
        run(["bash", "-n", "-c", block], cwd=out)
    for path in re.findall(r"`((?:k8s|\.github)/[\w./-]+)`", text):
        assert (out / path).exists(), f"docs/deployment.md names {path}, which does not exist"


BENCH_LINES = {
    "build time": r"^build time:\s+\d+(\.\d+)? s",
    "floor build time": r"^floor build time:\s+\d+(\.\d+)? s",
    "ratio to the floor": r"^build vs floor:\s+\d+\.\d+x .*target <= 1\.4x",
    "standalone size": r"standalone output:\s+\d+(\.\d+)? MB \(\d+ files\)",
    "first-load JS": r"first-load JS of /:\s+\d+(\.\d+)? kB gzip",
}


@pytest.fixture(scope="module")
def benched(renders: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The default render built as the Dockerfile builds it, then measured by its bench.

    The deps stage runs natively on the files it copies alone (the local pnpm store stands in
    for the cache mount); its node_modules moves into the repo as the build stage copies it.
    Both run on the Node.js major of the image's base, the one `.nvmrc` names.
    """
    out = renders["defaults"]
    node = repo_node_env(out)
    deps = tmp_path_factory.mktemp("deps-stage")
    for source in stage_copies(out / "Dockerfile", "deps"):
        shutil.copy2(out / source, deps / source)
    store = run([tool("pnpm"), "store", "path"], cwd=out).stdout.strip()
    for command in stage_runs(out / "Dockerfile", "deps"):
        run(["bash", "-c", command.replace("/pnpm/store", store)], cwd=deps, env=node, timeout=600)
    shutil.move(deps / "node_modules", out / "node_modules")
    bench = ["node", "bench/run.mjs", "--runs=1", "--timeout=480"]
    printed = run(bench, cwd=out, env=node, timeout=1000).stdout
    return out, printed


def stage_lines(dockerfile: Path, stage: str) -> list[str]:
    """The instructions of one build stage, continuation lines joined."""
    text = dockerfile.read_text().replace("\\\n", " ")
    match = re.search(rf"^FROM \S+ AS {stage}\n(.*?)(?=^FROM |\Z)", text, flags=re.M | re.S)
    assert match, f"the Dockerfile has no {stage} stage"
    return [line for line in match.group(1).splitlines() if line and not line.startswith("#")]


def stage_copies(dockerfile: Path, stage: str) -> list[str]:
    return [source for line in stage_lines(dockerfile, stage) if line.startswith("COPY ")
            for source in line.split()[1:-1]]  # fmt: skip


def stage_runs(dockerfile: Path, stage: str) -> list[str]:
    """The stage's RUN commands without their --mount options."""
    commands = []
    for line in stage_lines(dockerfile, stage):
        if line.startswith("RUN "):
            words = [w for w in line.split()[1:] if not w.startswith("--mount=")]
            commands.append(" ".join(words))
    assert commands, f"the {stage} stage runs nothing"
    return commands


@pytest.mark.xdist_group("frontend")
def test_bench_prints_build_time_sizes_and_first_load_js(benched: tuple[Path, str]) -> None:
    out, printed = benched
    for figure, pattern in BENCH_LINES.items():
        assert re.search(pattern, printed, re.M), f"bench printed no {figure}:\n{printed}"
    assert (out / ".next/standalone/server.js").is_file()


def healthcheck_command(dockerfile: str) -> list[str]:
    joined = dockerfile.replace("\\\n", " ")
    match = re.search(r"^HEALTHCHECK .*?\bCMD (\[.*\])$", joined, flags=re.M)
    assert match, "the Dockerfile has no exec-form HEALTHCHECK"
    command = json.loads(match.group(1))
    assert isinstance(command, list)
    return [str(part) for part in command]


@pytest.mark.xdist_group("frontend")
def test_runtime_stage_serves_and_passes_its_healthcheck(
    benched: tuple[Path, str], tmp_path: Path
) -> None:
    """The runtime stage's files, assembled as the Dockerfile copies them, pass its HEALTHCHECK."""
    out, _ = benched
    dockerfile = (out / "Dockerfile").read_text()
    app = tmp_path / "app"
    for source, target in re.findall(r"^COPY --from=build /app/(\S+) (\S+)$", dockerfile, re.M):
        assert (out / source).exists(), f"the runtime stage copies {source}, which is not built"
        shutil.copytree(out / source, app / target, symlinks=True, dirs_exist_ok=True)
    check = healthcheck_command(dockerfile)
    port = free_port()
    env = {**os.environ, **repo_node_env(out), "NODE_ENV": "production", "HOSTNAME": "127.0.0.1",
           "PORT": str(port), "METRICS_PORT": str(free_port()),
           "BACKEND_URL": f"http://127.0.0.1:{free_port()}"}  # fmt: skip
    assert run(check, cwd=app, env=env, check=False).returncode != 0, "passes with no server"
    server = subprocess.Popen(["node", "server.js"], cwd=app, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while run(check, cwd=app, env=env, check=False).returncode != 0:
            assert server.poll() is None, "node server.js exited"
            assert time.monotonic() < deadline, "the HEALTHCHECK never passed within 60 s"
            time.sleep(0.5)
    finally:
        server.terminate()
        server.wait(timeout=15)
