"""Checks of a service repo's deploy path, shared by the backend and frontend config tests.

`make deploy-manifest` is what the Deploy workflow applies: each environment's overlay at an
image tag, validated by kubernetes-validate; the workflows wire it to GitHub environments.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from helpers import run, tool
from model import SHARED_KEYS, Service, Suite, build_suite, select_service

TAG = "sha-1a2b3c4"


def service_of(repo: Path) -> tuple[Suite, Service]:
    answers = yaml.safe_load((repo / ".copier-answers.yml").read_text())
    suite = build_suite(**{key: answers[key] for key in SHARED_KEYS if key in answers})
    return suite, select_service(suite, answers["template_kind"], answers["service_name"])


def check_deploy_manifests(repo: Path, tmp_path: Path) -> None:
    """Each environment's manifests, as the Deploy workflow renders them, validate and run
    the tag it deploys, in its namespace, at its host."""
    suite, service = service_of(repo)
    for environment in suite.environments:
        out = run(["make", "--no-print-directory", "deploy-manifest",
                   f"OVERLAY={environment.overlay}", f"TAG={TAG}"], cwd=repo).stdout  # fmt: skip
        manifest = tmp_path / f"{environment.name}.yaml"
        manifest.write_text(out)
        run([tool("kubernetes-validate"), "--strict", "-k", "1.33.0", str(manifest)])
        docs = [doc for doc in yaml.safe_load_all(out) if doc]
        assert {doc["metadata"]["namespace"] for doc in docs} == {environment.namespace}
        pod = next(d for d in docs if d["kind"] == "Deployment")["spec"]["template"]["spec"]
        images = {c["image"] for c in pod["containers"] + pod.get("initContainers", [])}
        assert images == {f"{service.image}:{TAG}"}
        ingress = next(d for d in docs if d["kind"] == "Ingress")["spec"]
        assert {rule["host"] for rule in ingress["rules"]} == {environment.host}
    usage = run(["make", "deploy-manifest", "OVERLAY=nowhere", f"TAG={TAG}"], cwd=repo, check=False)
    assert usage.returncode != 0 and "usage: make deploy-manifest" in usage.stdout


def load_workflow(repo: Path, name: str) -> dict[str, Any]:
    loaded = yaml.safe_load((repo / ".github/workflows" / name).read_text())
    assert isinstance(loaded, dict)
    return loaded


def check_deploy_workflows(repo: Path) -> None:
    """The image workflow hands each build to the Deploy workflow, which signs in with OIDC,
    applies the environment's overlay and undoes a rollout that never became ready."""
    suite, service = service_of(repo)
    staging, production = suite.environments
    deploy = load_workflow(repo, "deploy.yml")
    triggers = deploy[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["workflow_dispatch"]["inputs"]["environment"]["options"] == [
        staging.name, production.name]  # fmt: skip
    assert deploy["permissions"] == {}
    env = deploy["env"]
    choose = "${{{{ inputs.environment == 'production' && '{}' || '{}' }}}}"
    assert env["OVERLAY"] == choose.format(production.overlay, staging.overlay)
    assert env["NAMESPACE"] == choose.format(production.namespace, staging.namespace)
    assert env["DEPLOYMENT"] == service.name
    assert not any("secrets." in str(value) for value in env.values()), "no long-lived keys"
    jobs = deploy["jobs"]
    for job in jobs.values():
        assert job["permissions"] == {"contents": "read", "id-token": "write"}
        assert job["environment"]["name"] == "${{ inputs.environment }}"
        steps = [step.get("run", "") for step in job["steps"]]
        assert "bash .github/scripts/kube-oidc.sh kubeconfig" in steps
    assert "make deploy-manifest" in "\n".join(s.get("run", "") for s in jobs["deploy"]["steps"])
    assert jobs["rollback"]["needs"] == "deploy"
    assert "rollout undo" in jobs["rollback"]["steps"][-1]["run"]

    image = load_workflow(repo, "image.yml")
    assert "dev" in image[True]["push"]["branches"]
    call = image["jobs"]["deploy"]
    assert call["uses"] == "./.github/workflows/deploy.yml"
    assert call["permissions"]["id-token"] == "write"
    run([tool("shellcheck"), ".github/scripts/kube-oidc.sh"], cwd=repo)
