"""Tier 1: Traefik's static configuration, one for every mode that runs the edge."""

from __future__ import annotations

from typing import Any

import pytest

import edge

pytestmark = pytest.mark.unit


def parse_flags(flags: list[str]) -> dict[str, Any]:
    """Traefik's flags back into the nested configuration they set (values as text)."""
    config: dict[str, Any] = {}
    for flag in flags:
        assert flag.startswith("--"), flag
        path, value = flag[2:].split("=", 1)
        *parents, leaf = path.split(".")
        node = config
        for key in parents:
            node = node.setdefault(key, {})
        assert leaf not in node, f"{flag} is given twice"
        node[leaf] = value
    return config


def as_text(config: Any) -> Any:
    if isinstance(config, dict):
        return {key: as_text(value) for key, value in config.items()}
    return str(config).lower() if isinstance(config, bool) else str(config)


@pytest.mark.parametrize("mode", ["compose", "swarm"])
def test_flags_set_exactly_the_static_configuration(mode: str) -> None:
    static = edge.traefik_static(mode)
    assert parse_flags(edge.flags(static)) == as_text(static)


def test_every_entrypoint_is_hardened_in_every_mode() -> None:
    for mode in ("compose", "swarm"):
        for name, entrypoint in edge.traefik_static(mode)["entryPoints"].items():
            assert entrypoint["http"]["aliasHeadersStrategy"] == "delete", name
            assert not any(entrypoint["http"]["encodedCharacters"].values()), name
        assert edge.traefik_static(mode)["entryPoints"]["web"]["forwardedHeaders"] == {
            "insecure": False}  # fmt: skip


def test_modes_differ_only_in_where_routes_come_from_and_traces_go() -> None:
    compose, swarm = edge.traefik_static("compose"), edge.traefik_static("swarm")
    assert compose["providers"]["file"] == {"directory": "/etc/traefik/dynamic", "watch": True}
    assert swarm["providers"]["file"] == {"filename": "/etc/traefik/dynamic/routes.yml"}
    assert swarm["tracing"]["otlp"]["http"]["endpoint"].startswith("${OTEL_EXPORTER_OTLP_ENDPOINT")
    for config in (compose, swarm):
        del config["providers"], config["tracing"]["otlp"]
    assert compose == swarm
