"""`make infra-check` and `make infra-plan`: this repo's Terraform modules and broken copies."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from conftest import ROOT
from workspace import infra
from workspace.manifest import Manifest, WorkspaceError


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """This repo's manifest and Terraform modules, to break."""
    shutil.copy(ROOT / "polystack.yml", tmp_path / "polystack.yml")
    shutil.copytree(ROOT / infra.TERRAFORM_DIR, tmp_path / infra.TERRAFORM_DIR)
    return tmp_path


def test_every_module_parses_agrees_and_has_every_backend_s_database() -> None:
    modules, unparsed = infra.load_modules(ROOT)
    assert unparsed == []
    assert [m.cloud for m in modules] == list(infra.CLOUDS)
    assert infra.check_variables(modules) == []
    assert infra.check_databases(Manifest.load(ROOT), modules) == []
    assert infra.check_format(ROOT) == []


def test_a_setting_missing_from_one_cloud_is_named(copy: Path) -> None:
    variables = copy / infra.TERRAFORM_DIR / "gcp" / "variables.tf"
    text = variables.read_text()
    start = text.index('variable "node_size"')
    variables.write_text(text[:start] + text[text.index("}\n", start) + 2 :])
    problems = infra.check_variables(infra.load_modules(copy)[0])
    assert problems == [
        f"{cloud}: variable 'node_size' is missing from gcp: give every cloud the same "
        f"setting, or name it '{cloud}_node_size' if only {cloud} has it"
        for cloud in ("aws", "digitalocean", "ovh")
    ]


def test_a_setting_with_another_cloud_s_prefix_is_named(copy: Path) -> None:
    extra = copy / infra.TERRAFORM_DIR / "aws" / "extra.tf"
    extra.write_text('variable "gcp_zone" {\n  type = string\n}\n')
    problems = infra.check_variables(infra.load_modules(copy)[0])
    assert problems == [
        "aws: variable 'gcp_zone' carries another cloud's prefix: "
        "name a setting only aws has 'aws_...'"
    ]


def test_a_backend_of_the_manifest_without_database_is_named(copy: Path) -> None:
    manifest = yaml.safe_load((copy / "polystack.yml").read_text())
    manifest["services"].append({"name": "ledger", "kind": "backend", "port": 8999,
                                 "route": "/ledger", "repo": "x", "ref": "main"})  # fmt: skip
    (copy / "polystack.yml").write_text(yaml.safe_dump(manifest))
    problems = infra.check_databases(Manifest.load(copy), infra.load_modules(copy)[0])
    assert len(problems) == len(infra.CLOUDS)
    for cloud, problem in zip(infra.CLOUDS, problems, strict=True):
        assert problem.startswith(f"{cloud}: backend 'ledger' of polystack.yml has no database")
        assert "run `make update`" in problem


def test_a_module_that_creates_no_database_per_backend_is_named(copy: Path) -> None:
    database = copy / infra.TERRAFORM_DIR / "ovh" / "database.tf"
    database.write_text(database.read_text().replace("for_each = local.backends", "count = 1"))
    problems = infra.check_databases(Manifest.load(copy), infra.load_modules(copy)[0])
    assert (
        "ovh: no ovh_cloud_project_database_database resource creates a database for_each "
        "of local.backends"
    ) in problems


def test_a_file_that_does_not_parse_is_named(copy: Path) -> None:
    broken = copy / infra.TERRAFORM_DIR / "digitalocean" / "broken.tf"
    broken.write_text('resource "x" "y" {\n  a = \n')
    modules, problems = infra.load_modules(copy)
    assert len(modules) == len(infra.CLOUDS)
    assert len(problems) == 1
    assert problems[0].startswith(f"{broken} does not parse as HCL")


def test_a_file_terraform_fmt_would_change_is_named(copy: Path) -> None:
    outputs = copy / infra.TERRAFORM_DIR / "aws" / "outputs.tf"
    outputs.write_text(outputs.read_text().replace("  value       =", "  value =", 1))
    problems = infra.check_format(copy)
    assert len(problems) == 1
    assert problems[0].startswith(f"{outputs.resolve()} is not formatted: run `terraform fmt")


def report(failed: list[dict[str, object]], skipped: list[dict[str, object]]) -> object:
    return {
        "check_type": "terraform",
        "results": {"failed_checks": failed, "skipped_checks": skipped, "passed_checks": []},
        "summary": {"passed": 3, "failed": len(failed), "skipped": len(skipped)},
    }


def test_checkov_failures_of_any_severity_are_problems() -> None:
    failed: dict[str, object] = {
        "check_id": "CKV_AWS_1", "check_name": "something", "resource": "aws_x.y",
        "file_path": "/aws/x.tf", "file_line_range": [3, 9], "severity": None,
    }  # fmt: skip
    problems = infra.checkov_findings(report([failed], []), Path("deploy/terraform"))
    assert problems == ["deploy/terraform/aws/x.tf:3: CKV_AWS_1 something (aws_x.y)"]


def test_a_skip_needs_its_reason() -> None:
    def skipped(comment: str) -> dict[str, object]:
        return {"check_id": "CKV_GCP_6", "file_path": "/gcp/database.tf",
                "check_result": {"result": "SKIPPED", "suppress_comment": comment}}  # fmt: skip

    root = Path("deploy/terraform")
    assert infra.checkov_findings(report([], [skipped("TLS is enforced otherwise")]), root) == []
    problems = infra.checkov_findings(report([], [skipped(infra.CHECKOV_NO_REASON)]), root)
    assert problems == [
        "deploy/terraform/gcp/database.tf: CKV_GCP_6 is skipped without a reason: "
        "write '#checkov:skip=CKV_GCP_6:<why>'"
    ]


def test_a_checkov_run_that_checked_nothing_is_a_problem() -> None:
    empty = {"passed": 0, "failed": 0, "skipped": 0, "parsing_errors": 0, "resource_count": 0}
    assert infra.checkov_findings(empty, Path("deploy/terraform")) == [
        "checkov ran no check on deploy/terraform: is the folder empty?"
    ]


def test_plan_without_terraform_or_tofu_says_what_to_install() -> None:
    with pytest.raises(WorkspaceError, match="neither `terraform` nor `tofu` is on PATH"):
        infra.terraform_binary(which=lambda name: None)
    assert infra.terraform_binary(which={"tofu": "/opt/tofu"}.get) == "/opt/tofu"


def test_plan_refuses_a_backend_file_not_filled_in(copy: Path) -> None:
    with pytest.raises(WorkspaceError, match=r"aws/backend.hcl still holds REPLACE-"):
        infra.terraform_commands(copy, "aws", "plan", "terraform")
    with pytest.raises(WorkspaceError, match="CLOUD='azure' is not one of aws, gcp"):
        infra.terraform_commands(copy, "azure", "plan", "terraform")


def test_plan_then_apply_run_init_and_the_saved_plan(copy: Path) -> None:
    backend = copy / infra.TERRAFORM_DIR / "gcp" / "backend.hcl"
    backend.write_text(backend.read_text().replace("REPLACE-state-bucket", "acme-state"))
    folder = copy / infra.TERRAFORM_DIR / "gcp"
    init = ["tofu", f"-chdir={folder}", "init", "-input=false", "-backend-config=backend.hcl"]
    assert infra.terraform_commands(copy, "gcp", "plan", "tofu") == [
        init, ["tofu", f"-chdir={folder}", "plan", "-input=false", "-out=tfplan"],
    ]  # fmt: skip
    assert infra.terraform_commands(copy, "gcp", "apply", "tofu")[1][-1] == "tfplan"
