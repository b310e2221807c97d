"""Tier 1, property based: any valid manifest yields unique ports, routes and names; any
manifest with a planted fault is rejected with a message naming the culprit."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model import INFRA_NAMES, INFRA_PORTS, ManifestError, build_suite

pytestmark = pytest.mark.unit

names = st.from_regex(r"[a-z][a-z0-9]{0,7}(-[a-z0-9]{1,6})?", fullmatch=True).filter(
    lambda n: n not in INFRA_NAMES
)
ports = st.integers(1024, 65535).filter(lambda p: p not in INFRA_PORTS)


@st.composite
def manifests(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Valid manifests: unique names, maybe explicit unique ports, routes from the names."""
    chosen = draw(st.lists(names, min_size=1, max_size=14, unique=True))
    explicit = draw(st.lists(ports, min_size=len(chosen), max_size=len(chosen), unique=True))
    entries = []
    for index, name in enumerate(chosen):
        entry: dict[str, Any] = {
            "name": name,
            "kind": draw(st.sampled_from(["backend", "frontend"])),
        }
        if draw(st.booleans()):
            entry["port"] = explicit[index]
        if draw(st.booleans()):
            entry["route"] = draw(st.sampled_from([f"/{name}", f"{name}/", f"/{name}/"]))
        entries.append(entry)
    if not any(e["kind"] == "backend" for e in entries):
        entries[0]["kind"] = "backend"  # frontends need a backend to talk to
    return entries


def make(services: list[dict[str, Any]]) -> Any:
    return build_suite(project_name="P", project_slug="p", organization="o", services=services)


@settings(max_examples=300, deadline=None)
@given(manifests())
def test_valid_manifests_yield_unique_ports_routes_and_names(
    services: list[dict[str, Any]],
) -> None:
    suite = make(services)
    built = suite.services
    assert [s.name for s in built] == [e["name"] for e in services]
    for attribute in (
        "port",
        "route",
        "python_package",
        "image",
        "container_name",
        "name",
        "env_prefix",
    ):
        values = [getattr(s, attribute) for s in built]
        assert len(set(values)) == len(values), attribute
    for service, entry in zip(built, services, strict=True):
        assert 1024 <= service.port <= 65535 and service.port not in INFRA_PORTS
        assert service.port == entry.get("port", service.port)
        assert service.route == "/" or not service.route.endswith("/")
        assert service.route.startswith("/")
    roots = [s for s in built if s.route == "/"]
    assert len(roots) <= 1 and all(s.kind == "frontend" for s in roots)
    # Allocation is deterministic and stable when fed its own output.
    assert make(suite.shared_answers()["services"]).shared_answers() == suite.shared_answers()


@settings(max_examples=200, deadline=None)
@given(manifests(), st.data())
def test_a_planted_fault_is_rejected_naming_the_culprit(
    services: list[dict[str, Any]], data: st.DataObject
) -> None:
    victim = data.draw(st.sampled_from(services))
    fault = data.draw(st.sampled_from(["duplicate-name", "reserved-port", "bad-name",
                                       "duplicate-port", "bad-kind"]))  # fmt: skip
    broken = [dict(e) for e in services]
    culprit = victim["name"]
    if fault == "duplicate-name":
        broken.append({"name": culprit, "kind": "backend"})
    elif fault == "reserved-port":
        broken[services.index(victim)]["port"] = data.draw(st.sampled_from(sorted(INFRA_PORTS)))
    elif fault == "bad-name":
        culprit = culprit.upper() + "_"
        broken[services.index(victim)]["name"] = culprit
    elif fault == "duplicate-port":
        port = data.draw(ports)
        broken[services.index(victim)]["port"] = port
        broken.append({"name": "zz-twin-x", "kind": "backend", "port": port})
    else:
        broken[services.index(victim)]["kind"] = "database"
    # The planted fault is the first problem: keep a backend the frontends can talk to.
    broken.append({"name": "zz-backend-x", "kind": "backend"})
    with pytest.raises(ManifestError) as caught:
        make(broken)
    assert f"'{culprit}'" in str(caught.value)
