"""Command line of the workspace tool; `make help` lists the targets that call it.

Copier runs `scaffold` in its own Python, which has only the standard library, Copier and
Copier's dependencies: native mode (honcho) is imported by the commands that use it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from workspace import add_service, gitrepo, infra, scaffold, update, vocabulary
from workspace.manifest import Manifest, WorkspaceError, template_version


def _root(args: argparse.Namespace) -> Manifest:
    return Manifest.load(Path(args.root).resolve())


def cmd_scaffold(args: argparse.Namespace) -> int:
    manifest = _root(args)
    for name, what in scaffold.scaffold_missing(manifest, try_clone=args.clone).items():
        print(f"{name:<24} {what}")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    manifest = _root(args)
    print(f"{'repo':<24} {'branch':<16} {'changes':<10} {'ahead/behind':<14} template")
    for name, path in update.repos(manifest):
        if not gitrepo.is_repo(path):
            print(f"{name:<24} missing: run `make bootstrap`")
            continue
        state = gitrepo.state(path)
        changes = f"{state.changed} files" if state.changed else "clean"
        sync = "no upstream" if state.ahead is None else f"+{state.ahead}/-{state.behind}"
        version = template_version(path)
        print(f"{name:<24} {state.branch:<16} {changes:<10} {sync:<14} {version}")
    return 0


def cmd_update(args: argparse.Namespace) -> int:
    root = Path(args.root).resolve()
    outcomes = update.update_all(root, check=args.check, dry_run=args.dry_run)
    print(update.report(outcomes))
    if args.check:
        return 1 if any(o.state != update.CURRENT for o in outcomes) else 0
    for text in (update.release_notes(outcomes), update.next_steps(outcomes)):
        if text:
            print(f"\n{text}")
    if args.dry_run:
        print("\nPreview only: no repo was changed. Run `make update` to apply.")
    return 1 if any(o.failed for o in outcomes) else 0


def cmd_update_here(args: argparse.Namespace) -> int:
    """The scheduled update workflow's step: one repo, a branch and a pull request text."""
    outcome = update.update_here(Path(args.root).resolve())
    print(update.report([outcome]))
    if outcome.branch:
        Path(args.body).write_text(update.pull_request_body(outcome), encoding="utf-8")
        title = f"Update to Polystack {outcome.detail.split(' -> ')[-1]}"
        with open(args.output, "a", encoding="utf-8") as output:  # GitHub's step outputs
            output.write(f"branch={outcome.branch}\ntitle={title}\n")
    return 1 if outcome.state == update.FAILED else 0


def cmd_add_service(args: argparse.Namespace) -> int:
    root = Path(args.root).resolve()
    outcomes = add_service.add_service(root, args.name, args.kind, args.port, args.route)
    if [o.state for o in outcomes] == [update.FAILED]:  # the meta-repo's update refused it
        print(f"the new service was rejected:\n{outcomes[0].detail}")
        return 1
    print(update.report(outcomes))
    steps = update.next_steps(outcomes)
    if steps:
        print(f"\n{steps}")
    return 1 if any(o.failed for o in outcomes) else 0


def cmd_import(args: argparse.Namespace) -> int:
    from workspace import import_report, import_spec, importer

    manifest = _root(args)
    if args.map:
        specs, problems = import_spec.from_map(Path(args.map))
        if args.dir or args.name or args.kind:
            problems.insert(0, "give either MAP or DIR, NAME and KIND, not both")
    else:
        specs, problems = import_spec.from_args(
            args.name, args.kind, args.dir, args.route, args.port
        )
    imported, outcomes = importer.import_services(
        manifest,
        args.source,
        specs,
        args.ref,
        problems,
        progress=lambda line: print(line, flush=True),
    )
    for item in imported:
        print()
        print(
            import_report.service_report(
                item.spec.name, item.spec.kind, item.spec.dir, item.commits, item.adoption,
                item.facts,
            )
        )  # fmt: skip
    print()
    print(update.report(outcomes))
    return 1 if any(o.failed for o in outcomes) else 0


def cmd_native_config(args: argparse.Namespace) -> int:
    from workspace import native_config

    manifest = _root(args)
    print(native_config.write_configs(manifest, native_config.load_settings(manifest.root)))
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from workspace import native

    return native.run(_root(args), args.mode, skip_prepare=args.skip_prepare)


def cmd_engines(args: argparse.Namespace) -> int:
    from workspace import native

    return native.run_engines(_root(args))


def cmd_await_services(args: argparse.Namespace) -> int:
    from workspace import native

    native.await_services(_root(args))
    return 0


def cmd_infra_check(args: argparse.Namespace) -> int:
    results = infra.infra_check(_root(args), checkov=args.checkov)
    failed = 0
    for check, problems in results:
        print(f"{check:<40} {'ok' if not problems else f'{len(problems)} problems'}")
        for problem in problems:
            print(f"  {problem}")
        failed += bool(problems)
    if failed:
        print(f"\n{failed} of {len(results)} infrastructure checks failed: fix the lines above.")
        return 1
    print("\nThe Terraform modules pass every offline check; validate and plan run in CI.")
    return 0


def cmd_infra(args: argparse.Namespace) -> int:
    return infra.run_terraform(_root(args), args.cloud, args.action)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="workspace", description=__doc__)
    top.add_argument("--root", default=".", help="the meta-repo (default: the current folder)")
    sub = top.add_subparsers(dest="command", required=True)

    bootstrap = sub.add_parser(
        "bootstrap", help="clone each missing service at its pinned ref, or render it"
    )
    bootstrap.set_defaults(func=cmd_scaffold, clone=True)
    render = sub.add_parser("scaffold", help="render each missing service (no cloning)")
    render.set_defaults(func=cmd_scaffold, clone=False)

    sub.add_parser("status", help="branch, changes, ahead/behind, template version").set_defaults(
        func=cmd_status
    )

    upd = sub.add_parser("update", help="copier update every repo with the manifest's answers")
    upd.add_argument("--check", action="store_true", help="only report which repos are behind")
    upd.add_argument(
        "--dry-run", action="store_true", help="say what would change and conflict; touch nothing"
    )
    upd.set_defaults(func=cmd_update)

    here = sub.add_parser(
        "update-here", help="update this repo alone on a branch, for a pull request (CI)"
    )
    here.add_argument("--body", required=True, help="where to write the pull request's text")
    here.add_argument("--output", required=True, help="where to append branch= and title=")
    here.set_defaults(func=cmd_update_here)

    add = sub.add_parser("add-service", help="add a service to the manifest and render it")
    add.add_argument("name")
    add.add_argument("--kind", required=True, choices=vocabulary.kinds())
    add.add_argument("--port", type=int)
    add.add_argument("--route")
    add.set_defaults(func=cmd_add_service)

    imp = sub.add_parser(
        "import", help="import folders of a monorepo as service repos, with their history"
    )
    imp.add_argument("source", help="the monorepo: a path or a git URL (it is cloned, not changed)")
    imp.add_argument("--dir", help="the folder of the monorepo to import ('.' for all of it)")
    imp.add_argument("--name", help="the new service's name")
    imp.add_argument("--kind", help="backend or frontend")
    imp.add_argument("--route")
    imp.add_argument("--port")
    imp.add_argument("--ref", help="branch, tag or commit of the monorepo (default: its HEAD)")
    imp.add_argument("--map", help="a YAML list of {name, kind, dir, route?, port?}")
    imp.set_defaults(func=cmd_import)

    for mode, what in (("dev", "the development loop: reload on every edit"),
                       ("start", "production-like: the images' commands, natively")):  # fmt: skip
        run = sub.add_parser(mode, help=f"run the platform natively in the foreground ({what})")
        run.add_argument("--skip-prepare", action="store_true", help="no install or build first")
        run.set_defaults(func=cmd_run, mode=mode)
    sub.add_parser(
        "native-config", help="write Traefik's and Prometheus's native configs into .native/"
    ).set_defaults(func=cmd_native_config)
    sub.add_parser(
        "engines", help="run only the engines (NATS, Redis) natively, for a service run alone"
    ).set_defaults(func=cmd_engines)
    sub.add_parser(
        "await-services", help="wait until every service answers its health check on loopback"
    ).set_defaults(func=cmd_await_services)
    infra_check = sub.add_parser(
        "infra-check", help="offline checks of deploy/terraform: parse, format, names, checkov"
    )
    infra_check.add_argument("--checkov", default="checkov", help="the checkov executable")
    infra_check.set_defaults(func=cmd_infra_check)
    run = sub.add_parser("infra", help="terraform (or tofu) init, then plan or apply, of a cloud")
    run.add_argument("action", choices=["plan", "apply"])
    run.add_argument("--cloud", required=True, help=", ".join(infra.CLOUDS))
    run.set_defaults(func=cmd_infra)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.func(args))
    except WorkspaceError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted: every repo is as it was, or holds its finished update branch",
              file=sys.stderr)  # fmt: skip
        return 130
