"""How each service runs: one description, rendered by every deployment mode.

Compose, Swarm, the service repos' Kubernetes bases and native mode (its Procfiles and the
data file the workspace tool reads) all take a service's image, command, port, probes,
resources, writable paths and the backend it calls from here, so a change to how every
backend is probed or limited is made once and reaches all four.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from typing import Any

# Containers listen on every interface of their own network; native processes on loopback.
CONTAINER_HOST = "0.0.0.0"
LOOPBACK = "127.0.0.1"
MODES = ("compose", "swarm", "k8s", "native")
NATIVE_MODES = ("dev", "start")
# Where native mode keeps an engine's data, beside the configs it writes.
NATIVE_STATE = ".native"
# How native mode runs each engine on loopback, on the port its setting names (the process
# receives it); `{port}` and `{data}` are filled in.
ENGINE_ARGS = {
    "nats": ("--jetstream", "--store_dir", "{data}", "--addr", LOOPBACK, "--port", "{port}"),
    "redis": ("--bind", LOOPBACK, "--port", "{port}", "--dir", "{data}", "--appendonly", "yes",
              "--save", ""),
}  # fmt: skip
# A shell word that expands one setting and nothing else, e.g. nats://127.0.0.1:${NATS_PORT}.
_EXPANDS_A_SETTING = re.compile(r'[^"\\`$]*(\$\{[A-Z][A-Z0-9_]*\}[^"\\`$]*)+')


@dataclass(frozen=True)
class Probe:
    """An HTTP check of the service on its own port (it serves under its route)."""

    path: str
    port: int

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}{self.path}"


@dataclass(frozen=True)
class Writable:
    """A writable folder on a read-only root filesystem, at most `size` (Kubernetes units)."""

    name: str
    path: str
    size: str


@dataclass(frozen=True)
class Resources:
    """What a replica asks for and may use at most; memory in MiB."""

    cpu_request: str = "100m"
    memory_request: int = 192
    cpu_limit: str = "1"
    memory_limit: int = 512

    @property
    def swarm_reservation_cpus(self) -> str:
        """Docker's CPUs as a decimal: '100m' -> '0.1'."""
        return f"{int(self.cpu_request.removesuffix('m')) / 1000:g}"


@dataclass(frozen=True)
class Runtime:
    """One service as every mode runs it."""

    name: str
    kind: str
    image: str
    port: int
    metrics_port: int  # a frontend's own, which no edge routes to; a backend's is `port`
    liveness: Probe
    readiness: Probe
    user: int  # the image's non-root user and group
    writable: tuple[Writable, ...]
    resources: Resources
    serve: tuple[str, ...]  # the image's command, for modes that wrap it
    migrate: tuple[str, ...]  # () where nothing migrates
    backend: Any  # the backend Service a frontend calls, else None
    prepare: dict[str, tuple[tuple[str, ...], ...]]
    link: tuple[str, str]  # what the native run prints for it: (label, path on the edge)
    engines: tuple[Any, ...] = ()  # the model's Engines a backend is given the URLs of

    @property
    def probe_command(self) -> list[str]:
        """The container healthcheck (exec form): asks readiness with the image's own runtime,
        as the images hold no curl or wget."""
        url = self.readiness.url
        if self.kind == "backend":
            script = f"import urllib.request as r; r.urlopen('{url}', timeout=3)"
            return ["CMD", "python", "-c", script]
        script = f"fetch('{url}').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
        return ["CMD", "node", "-e", script]

    def env(self, mode: str) -> dict[str, str]:
        """The variables every mode sets alike: where to listen, the service's name for
        traces, whether it migrates itself, the backend it calls."""
        host = LOOPBACK if mode == "native" else CONTAINER_HOST
        values = {"HOST": host, "PORT": str(self.port)}
        if self.kind == "backend":
            # Deployments migrate once per release (init container, Swarm job), never per replica.
            values["AUTO_MIGRATE"] = "true" if mode in ("compose", "native") else "false"
            values.update({engine.env_var: engine_url(engine, mode) for engine in self.engines})
        else:
            values["HOSTNAME"] = host
            values["METRICS_PORT"] = str(self.metrics_port)
            if self.backend is not None:
                values["BACKEND_URL"] = backend_url(self.backend, mode)
        values["OTEL_SERVICE_NAME"] = self.name
        return values

    def native_env(self) -> str:
        return " ".join(f"{key}={shell_word(value)}" for key, value in self.env("native").items())

    def native_command(self, mode: str) -> str:
        """Its process line in native mode: `dev` reloads on edits, `start` runs as the image."""
        env, where = self.native_env(), f"services/{self.name}"
        serve = " ".join(self.serve)
        if self.kind == "backend":
            reload = " --reload" if mode == "dev" else ""
            return f"cd {where} && exec env {env} uv run --frozen {serve}{reload}"
        if mode == "dev":
            return (f"cd {where} && exec env {env} pnpm exec next dev --hostname {LOOPBACK} "
                    f"--port {self.port}")  # fmt: skip
        return f"cd {where}/.next/standalone && exec env NODE_ENV=production {env} {serve}"

    def workspace_data(self) -> dict[str, Any]:
        """What the meta-repo's workspace tool needs to run it natively and wait for it."""
        return {
            "kind": self.kind,
            "port": self.port,
            "liveness": self.liveness.url,
            "readiness": self.readiness.url,
            "prepare": {mode: [list(c) for c in steps] for mode, steps in self.prepare.items()},
            "standalone": self.kind == "frontend",
            "data_dir": "data" if self.kind == "backend" else None,
            "link": list(self.link),
        }


def setting(name: str) -> str:
    """A reference to a setting that the shell of a native process expands: ${NAME}."""
    return "${" + name + "}"


def shell_word(value: str) -> str:
    """One shell word: quoted as is, but for settings it names (`${NATS_PORT}`), which the
    shell fills in from the process environment."""
    if _EXPANDS_A_SETTING.fullmatch(value):
        return f'"{value}"'
    return shlex.quote(value)


def engine_url(engine: Any, mode: str) -> str:
    """Where a backend reaches an engine: by its service name on a container network (the
    cluster's Service of that name on Kubernetes), natively on loopback at the port of its
    setting, which native mode gives every process."""
    if mode == "native":
        return str(engine.url(LOOPBACK, setting(engine.port_env)))
    return str(engine.service_url)


def engine_data(engine: Any) -> str:
    return f"{NATIVE_STATE}/{engine.name}"


def engine_native_command(engine: Any) -> str:
    """The engine's process line in native mode: Debian's binary, on loopback, its data
    under the workspace's state folder."""
    port, data = setting(engine.port_env), engine_data(engine)
    args = " ".join(
        shell_word(arg.format(port=port, data=data)) for arg in ENGINE_ARGS[engine.name]
    )
    return f"mkdir -p {data} && exec {engine.program} {args}"


def engine_workspace_data(engine: Any) -> dict[str, Any]:
    """What the workspace tool needs to check, give a port to and describe an engine."""
    return {
        "title": engine.title,
        "program": engine.program,
        "package": engine.package,
        "port_env": engine.port_env,
        "port": engine.port,
        "env_var": engine.env_var,
        "url": engine_url(engine, "native"),
        "data_dir": engine_data(engine),
    }


def backend_url(backend: Any, mode: str) -> str:
    """Where a backend is reached: by its service name on a container network, else loopback."""
    return str(backend.loopback_url if mode == "native" else backend.compose_url)


def describe(suite: Any, service: Any) -> Runtime:
    """The runtime description of one service of the suite."""
    backend = service.kind == "backend"
    prefix = service.route_prefix
    install = ("uv", "sync", "--frozen", "--quiet") if backend else (
        "pnpm", "install", "--frozen-lockfile", "--reporter=silent")  # fmt: skip
    build = ("pnpm", "build")  # `make start` serves the production build
    module = ("python", "-m", service.python_package)
    tmp = Writable("tmp", "/tmp", "64Mi")
    return Runtime(
        name=service.name,
        kind=service.kind,
        image=service.image,
        port=service.port,
        metrics_port=service.metrics_port,
        liveness=Probe(f"{prefix}/healthz", service.port),
        # A backend is ready when its database answers too; a frontend when it serves.
        readiness=Probe(f"{prefix}/readyz" if backend else f"{prefix}/healthz", service.port),
        user=10001 if backend else 1000,  # the Dockerfiles' users (frontends: Node's `node`)
        # Next writes its image and fetch caches beside the app.
        writable=(tmp,) if backend else (tmp, Writable("next-cache", "/app/.next/cache", "256Mi")),
        resources=Resources(),
        serve=(*module, "serve") if backend else ("node", "server.js"),
        migrate=(*module, "migrate") if backend else (),
        backend=None if backend else suite.primary_backend,
        prepare={"dev": (install,), "start": (install,) if backend else (install, build)},
        link=("API docs", f"{prefix}/docs") if backend else ("app", prefix or "/"),
        engines=tuple(suite.engines) if backend else (),
    )


def describe_all(suite: Any) -> dict[str, Runtime]:
    return {service.name: describe(suite, service) for service in suite.services}


def workspace_model(
    suite: Any, shared_keys: tuple[str, ...], kinds: tuple[str, ...]
) -> dict[str, Any]:
    """The data file the meta-repo's workspace tool reads instead of importing the suite: the
    model's vocabulary and how each service runs natively."""
    return {
        "shared_keys": list(shared_keys),
        "kinds": list(kinds),
        "services": {name: run.workspace_data() for name, run in describe_all(suite).items()},
        "engines": {engine.name: engine_workspace_data(engine) for engine in suite.engines},
    }
