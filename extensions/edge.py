"""Traefik's static configuration, one for every mode that runs the edge.

Compose mounts it as traefik/compose/traefik.yml, native mode lays loopback addresses over
that file, and the Swarm stack passes the same settings as flags: the hardening of the
entrypoints, the metrics, traces and access log cannot drift between them.
"""

from __future__ import annotations

from typing import Any

# No route needs encoded separators, and headers that alias another (X_Request_Id for
# X-Request-Id) are dropped: a service cannot be fooled about the headers Traefik sets.
STRICT_HTTP = {
    "aliasHeadersStrategy": "delete",
    "encodedCharacters": {
        f"allowEncoded{what}": False
        for what in ("Slash", "BackSlash", "NullCharacter", "Semicolon", "Percent",
                     "QuestionMark", "Hash")
    },
}  # fmt: skip
# Where each mode sends Traefik's traces and finds its routes.
TRACES = {
    "compose": "http://otel-collector:4318/v1/traces",
    "swarm": "${OTEL_EXPORTER_OTLP_ENDPOINT:?set the collector's OTLP/HTTP URL}/v1/traces",
}
PROVIDERS: dict[str, dict[str, Any]] = {
    "compose": {"file": {"directory": "/etc/traefik/dynamic", "watch": True}},
    "swarm": {"file": {"filename": "/etc/traefik/dynamic/routes.yml"}},
}
# One short line per request: what was asked, where it went, how it ended, and the ids
# (request, trace) that find it in the services' logs and traces.
ACCESS_LOG = {
    "format": "json",
    "fields": {
        "defaultMode": "drop",
        "names": {name: "keep" for name in ("RequestMethod", "RequestPath", "DownstreamStatus",
                                             "Duration", "RouterName", "TraceId")},
        "headers": {"defaultMode": "drop", "names": {"X-Request-Id": "keep"}},
    },
}  # fmt: skip


def traefik_static(mode: str) -> dict[str, Any]:
    """The static configuration of `mode` (compose or swarm) as Traefik's file reads it."""
    return {
        "entryPoints": {
            # Traffic arrives from the host's port mapping or the ingress: trust no forwarded
            # headers. The metrics entrypoint is internal (Prometheus, the healthcheck's ping).
            "web": {"address": ":8080", "forwardedHeaders": {"insecure": False},
                    "http": STRICT_HTTP},
            "dashboard": {"address": ":8081", "http": STRICT_HTTP},
            "metrics": {"address": ":8082", "http": STRICT_HTTP},
        },
        "providers": PROVIDERS[mode],
        "api": {"dashboard": True},
        "ping": {"entryPoint": "metrics"},
        "metrics": {"prometheus": {"entryPoint": "metrics", "addEntryPointsLabels": True,
                                   "addRoutersLabels": True, "addServicesLabels": True}},
        "tracing": {"serviceName": "traefik", "sampleRate": 1.0,
                    "otlp": {"http": {"endpoint": TRACES[mode]}}},
        "log": {"level": "INFO", "format": "json"},
        "accessLog": ACCESS_LOG,
        "global": {"checkNewVersion": False, "sendAnonymousUsage": False},
    }  # fmt: skip


def flags(config: dict[str, Any], path: tuple[str, ...] = ()) -> list[str]:
    """The same configuration as Traefik's command-line flags (`--entryPoints.web.address=`)."""
    found = []
    for key, value in config.items():
        here = (*path, key)
        if isinstance(value, dict):
            found += flags(value, here)
        else:
            text = str(value).lower() if isinstance(value, bool) else str(value)
            found.append(f"--{'.'.join(here)}={text}")
    return found
