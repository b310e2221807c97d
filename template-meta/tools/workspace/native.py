"""Native mode: the platform as local processes under honcho, behind the real Traefik.

Two runs share everything but their commands: `make dev` (Procfile.dev: uvicorn with reload,
`next dev`) is the development loop, `make start` (Procfile: uvicorn, Next's standalone
server, as the images run them) the production-like one. Copier renders both Procfiles,
Traefik's routes and suite.json (how each service is prepared and probed) from the same
runtime description as the other modes; native_config.py writes what depends on this machine.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from workspace import links, vocabulary
from workspace.manifest import Manifest, WorkspaceError
from workspace.native_config import (
    Settings,
    load_settings,
    replica_ports,
    routes_file,
    write_configs,
)
from workspace.sign_in import sign_in_env
from workspace.vocabulary import Runtime

PROCFILES = {"dev": "Procfile.dev", "start": "Procfile"}
# Variables of the tool's own environment that must not leak into a service's tools.
PRIVATE_ENV = ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "UV_PROJECT_ENVIRONMENT")
PROMETHEUS = "prometheus"
# What a frontend's install depends on; its digest, kept beside the installed packages, lets a
# restart skip `pnpm install` (seconds, even with nothing to do) while they are unchanged.
INSTALL_INPUTS = ("package.json", "pnpm-lock.yaml", "pnpm-workspace.yaml")
INSTALL_STAMP = Path("node_modules") / ".installed-from"
READY_TIMEOUT = 600.0  # a first run compiles every frontend page it is asked for


def child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in PRIVATE_ENV}
    env.setdefault("NEXT_TELEMETRY_DISABLED", "1")
    env.setdefault("UV_PYTHON_DOWNLOADS", "never")
    return env


def prepare_commands(service: Runtime, mode: str, *, installed: bool = False) -> list[list[str]]:
    """Installs (a frontend's only when its lockfile changed since the last one), and for
    `make start` the production build; `make dev` builds nothing."""
    return [c for c in service.prepare[mode] if not (installed and is_install(c))]


def is_install(command: list[str]) -> bool:
    return command[:2] == ["pnpm", "install"]


def install_digest(path: Path) -> str:
    digest = hashlib.sha256()
    for name in INSTALL_INPUTS:
        content = (path / name).read_bytes() if (path / name).is_file() else b""
        digest.update(f"{name}\0{len(content)}\0".encode() + content)
    return digest.hexdigest()


def is_installed(path: Path) -> bool:
    """Whether node_modules was installed from the current package.json and lockfile."""
    stamp = path / INSTALL_STAMP
    return stamp.is_file() and stamp.read_text(encoding="utf-8").strip() == install_digest(path)


def stage_standalone(path: Path) -> None:
    """Copy the static assets beside Next's standalone server, as the Dockerfile does."""
    standalone = path / ".next" / "standalone"
    if not (standalone / "server.js").is_file():
        raise WorkspaceError(f"{standalone}/server.js is missing: does next.config keep "
                             "output: 'standalone'?")  # fmt: skip
    for source, dest in ((path / "public", standalone / "public"),
                         (path / ".next" / "static", standalone / ".next" / "static")):  # fmt: skip
        if source.is_dir():
            shutil.rmtree(dest, ignore_errors=True)
            shutil.copytree(source, dest)


def prepare(manifest: Manifest, mode: str) -> None:
    """Install each service's dependencies; for `make start`, build the frontends."""
    for service in vocabulary.runtimes().values():
        path = manifest.service_dir(service.name)
        if service.data_dir:
            (path / service.data_dir).mkdir(exist_ok=True)  # the default SQLite database's
        installed = service.kind == "frontend" and is_installed(path)
        if installed:
            print(f"==> {service.name}: dependencies installed from the current lockfile",
                  flush=True)  # fmt: skip
        for command in prepare_commands(service, mode, installed=installed):
            print(f"==> {service.name}: {' '.join(command)}", flush=True)
            done = subprocess.run(command, cwd=path, env=child_env(), check=False)
            if done.returncode != 0:
                raise WorkspaceError(f"{' '.join(command)} failed in {path}")
            if is_install(command):
                (path / INSTALL_STAMP).write_text(install_digest(path) + "\n", encoding="utf-8")
        if mode == "start" and service.standalone:
            stage_standalone(path)


def check_ready(manifest: Manifest, mode: str) -> None:
    missing = [s.name for s in manifest.services if not manifest.service_dir(s.name).is_dir()]
    if missing:
        raise WorkspaceError(f"missing under services/: {', '.join(missing)}; run `make bootstrap`")
    if not (manifest.root / PROCFILES[mode]).is_file():
        raise WorkspaceError(f"{PROCFILES[mode]} is missing: run `make update` to render it again")
    check_engines_installed()
    unrendered = [s.name for s in manifest.services if s.name not in vocabulary.runtimes()]
    if unrendered:
        raise WorkspaceError(f"{', '.join(unrendered)} of {manifest.path.name} not rendered yet: "
                             "commit the manifest and run `make update`")  # fmt: skip


def check_engines_installed() -> None:
    """Each engine polystack.yml names is a program of this machine."""
    missing = [e for e in vocabulary.engines().values() if shutil.which(e.program) is None]
    if missing:
        names = " and ".join(f"{e.program} ({e.title})" for e in missing)
        packages = " ".join(e.package for e in missing)
        raise WorkspaceError(f"{names} not installed, and polystack.yml's engines name them: "
                             f"on Debian, apt-get install {packages}")  # fmt: skip


def engine_urls(settings: Settings) -> dict[str, str]:
    """Each engine's URL on loopback, as the backends receive it: by variable name."""
    return {
        e.env_var: e.url.replace("${" + e.port_env + "}", str(settings.ports[e.port_env]))
        for e in vocabulary.engines().values()
    }


def run_engines(manifest: Manifest) -> int:
    """Only the engines, in the foreground, as `make dev` runs them: for a service run alone
    (docs/debugging.md). Ctrl-C stops them."""
    from honcho.manager import Manager
    from honcho.printer import Printer

    engines = vocabulary.engines()
    if not engines:
        raise WorkspaceError("polystack.yml names no engines: add them (e.g. `engines: [nats, "
                             "redis]`), commit and run `make update`")  # fmt: skip
    check_engines_installed()
    settings = load_settings(manifest.root)
    found = {n: c for n, c in processes(manifest.root, "dev").items() if n in engines}
    for variable, url in engine_urls(settings).items():
        print(f"{variable}={url}", flush=True)
    manager = Manager(Printer(sys.stdout, colour=sys.stdout.isatty()))
    env = {**child_env(), **settings.process_env()}
    for name, command in found.items():
        manager.add_process(name, command, env=env, cwd=str(manifest.root))
    manager.loop()
    return int(manager.returncode or 0)


def processes(root: Path, mode: str) -> dict[str, str]:
    """The Procfile's processes; Prometheus only where it is installed."""
    from honcho.environ import parse_procfile

    found = dict(parse_procfile((root / PROCFILES[mode]).read_text(encoding="utf-8")).processes)
    if PROMETHEUS in found and shutil.which(PROMETHEUS) is None:
        del found[PROMETHEUS]
    return found


def replica_processes(found: dict[str, str], extra: dict[str, list[int]]) -> dict[str, str]:
    """Each extra replica of a backend: its process line on its own port (`api.2`, ...)."""
    runtimes = vocabulary.runtimes()
    replicas = {}
    for name, ports in extra.items():
        own = f" PORT={runtimes[name].port} "
        if own not in found[name]:
            raise WorkspaceError(f"the process line of {name} sets no PORT={runtimes[name].port}: "
                                 "run `make update` to render the Procfiles again")  # fmt: skip
        for number, port in enumerate(ports, start=2):
            replicas[f"{name}.{number}"] = found[name].replace(own, f" PORT={port} ", 1)
    return replicas


def announce_when_ready(
    manifest: Manifest, settings: Settings, names: set[str], started: float
) -> None:
    """Print the links once every one of them answers (from a thread beside honcho)."""
    printed = links.links(manifest, settings, prometheus=PROMETHEUS in names)
    pages = [links.loopback_page(s) for s in manifest.services if s.kind == "frontend"]
    if links.wait_until_up(pages + [url for _, url in printed], READY_TIMEOUT):
        banner = links.banner(printed, time.monotonic() - started)
    else:
        banner = "\nSome links did not answer in time; see the processes' output above.\n"
    sys.stdout.write(banner)
    sys.stdout.flush()


def run(manifest: Manifest, mode: str, *, skip_prepare: bool = False) -> int:
    """Prepare, configure and run the platform in the foreground; Ctrl-C stops it all."""
    from honcho.manager import Manager
    from honcho.printer import Printer

    started = time.monotonic()
    check_ready(manifest, mode)
    settings = load_settings(manifest.root)
    extra = replica_ports(settings)
    write_configs(manifest, settings, extra)
    if not skip_prepare:
        prepare(manifest, mode)
    found = processes(manifest.root, mode)
    found.update(replica_processes(found, extra))
    if PROMETHEUS not in found:
        print("Prometheus is not installed: the platform runs without it "
              "(on Debian: apt-get install prometheus).")  # fmt: skip
    manager = Manager(Printer(sys.stdout, colour=sys.stdout.isatty()))
    env = {**child_env(), **settings.process_env(), **sign_in_settings(manifest, settings)}
    for name, command in found.items():
        manager.add_process(name, command, env=env, cwd=str(manifest.root))
    watcher = threading.Thread(
        target=announce_when_ready, args=(manifest, settings, set(found), started), daemon=True
    )
    watcher.start()
    manager.loop()
    return int(manager.returncode or 0)


def sign_in_settings(manifest: Manifest, settings: Settings) -> dict[str, str]:
    """With `auth: oidc`, every process's sign-in settings: .env's, else the dev provider's."""
    frontends = [s.route for s in manifest.services if s.kind == "frontend"]
    auth = str(manifest.answers.get("auth", "none"))
    # The edge as native mode listens on it and prints it: where the browser comes back to
    # after signing in, so the provider must know exactly that origin.
    return sign_in_env(auth, settings.values, settings.edge, frontends)


def await_services(manifest: Manifest, timeout: float = READY_TIMEOUT) -> None:
    """Wait until every service, each replica of it, is ready on loopback (the readiness
    check its container healthcheck and Kubernetes use), so that Traefik finds them up (it
    starts right after)."""
    runtimes = vocabulary.runtimes()
    urls = [url for s in manifest.services if s.name in runtimes
            for url in replica_readiness(manifest.root, runtimes[s.name])]  # fmt: skip
    if not links.wait_until_up(urls, timeout):
        print(f"some services are not up after {timeout:.0f} s: starting Traefik anyway",
              flush=True)  # fmt: skip


def replica_readiness(root: Path, service: Runtime) -> list[str]:
    """The service's readiness URL at each server Traefik's routes send it to."""
    import yaml

    routes = yaml.safe_load(routes_file(root).read_text(encoding="utf-8"))
    servers = routes["http"]["services"][service.name]["loadBalancer"]["servers"]
    own = f"http://127.0.0.1:{service.port}"
    return [service.readiness.replace(own, s["url"], 1) for s in servers]
