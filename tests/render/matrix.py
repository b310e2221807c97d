"""The render matrix as data: every supported combination of answers, and the unsupported
ones with the message each must produce.

Supported: each kind with every offered Python or Node.js version, both `auth` choices,
the manifests of 1, 3 and 12 services, and the default or a custom domain and registry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from manifests import MANIFESTS as TESTED_MANIFESTS

# The manifests rendered: copier.yml's default, and those of 1, 3 and 12 services.
MANIFESTS = {
    "defaults": [{"name": "api", "kind": "backend", "route": "/api"},
                 {"name": "web", "kind": "frontend", "route": "/"}],
    **TESTED_MANIFESTS,
}  # fmt: skip

PYTHON_VERSIONS = ("3.11", "3.12", "3.13")
NODE_VERSIONS = ("20", "22", "24")
# Where the platform is served and pushed: the defaults, a registry with a port and a path,
# and a GitHub organization's registry under another name.
PLACES: dict[str, dict[str, str]] = {
    "local": {},
    "shop": {"domain": "shop.example.com", "registry": "registry.example.com:5000/acme/team"},
    "org": {"domain": "platform.example.org", "organization": "Acme-Labs",
            "registry": "ghcr.io/acme-labs/platform"},
}  # fmt: skip
# The platform's name per manifest: quotes, a backslash and non-ASCII text reach every file.
NAMES = {"one": "One Platform", "three": 'Acme "Shop" & O\'Brien\'s \\ Platform',
         "twelve": "Plateforme Müller — douze services"}  # fmt: skip
# The place each manifest is rendered at, so a manifest's services render once per place.
MANIFEST_PLACE = {"defaults": "local", "one": "local", "three": "shop", "twelve": "org"}
# The service repos rendered from each manifest: root and prefixed frontends, backends with
# and without explicit ports and routes.
BACKENDS = {"one": ("api",), "three": ("api",), "twelve": ("search-api", "reports", "media")}
FRONTENDS = {"three": ("web", "admin"), "twelve": ("docs-site", "status-page")}


@dataclass(frozen=True)
class Combination:
    kind: str
    manifest: str
    answers: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        parts = [self.kind, self.manifest, *(str(v) for k, v in sorted(self.answers.items())
                                             if k in {"service_name", "python_version",
                                                      "node_version", "auth"})]  # fmt: skip
        return "-".join(parts)

    def data(self) -> dict[str, Any]:
        if self.manifest == "defaults":
            return {"template_kind": self.kind, **self.answers}  # `copier copy --defaults`
        return {
            "template_kind": self.kind,
            "project_name": NAMES[self.manifest],
            "services": MANIFESTS[self.manifest],
            **PLACES[MANIFEST_PLACE[self.manifest]],
            **self.answers,
        }


def _backends() -> list[Combination]:
    combos = []
    for manifest, names in BACKENDS.items():
        for index, python in enumerate(PYTHON_VERSIONS):
            for auth in ("none", "oidc"):
                name = names[index % len(names)]
                answers = {"service_name": name, "python_version": python, "auth": auth}
                combos.append(Combination("backend", manifest, answers))
    return combos


def _frontends() -> list[Combination]:
    return [
        Combination("frontend", manifest, {"service_name": name, "node_version": node,
                                           "auth": "oidc" if index % 2 else "none"})
        for manifest, names in FRONTENDS.items()
        for name in names
        for index, node in enumerate(NODE_VERSIONS)
    ]  # fmt: skip


def _metas() -> list[Combination]:
    return [
        Combination("meta", manifest, {"python_version": python, "node_version": node,
                                       "auth": "oidc" if index % 2 else "none"})
        for manifest in TESTED_MANIFESTS
        for python in PYTHON_VERSIONS
        for index, node in enumerate(NODE_VERSIONS)
    ]  # fmt: skip


SUPPORTED: list[Combination] = [
    *(Combination(kind, "defaults") for kind in ("backend", "frontend", "meta")),
    *_backends(),
    *_frontends(),
    *_metas(),
]

# Answers no combination may take, each with (a part of) the message that must name it.
UNSUPPORTED: list[tuple[str, dict[str, Any], str]] = [
    ("python-3.10", {"template_kind": "backend", "python_version": "3.10"}, "3.10"),
    ("node-18", {"template_kind": "frontend", "node_version": "18"}, "18"),
    ("auth-oauth", {"template_kind": "backend", "auth": "oauth"}, "oauth"),
    ("kind-database", {"template_kind": "database"}, "database"),
    ("frontend-of-backend-only-manifest",
     {"template_kind": "frontend", "services": MANIFESTS["one"]}, "services has no frontend"),
    ("backend-named-after-a-frontend",
     {"template_kind": "backend", "services": MANIFESTS["three"], "service_name": "admin"},
     "'admin' is a frontend"),
    ("service-not-in-manifest",
     {"template_kind": "frontend", "services": MANIFESTS["twelve"], "service_name": "blog"},
     "no service named 'blog'"),
    ("thirteenth-service-on-a-taken-port",
     {"services": [*MANIFESTS["twelve"], {"name": "extra", "kind": "backend", "port": 9100}]},
     "services 'search-api' and 'extra' both use port 9100"),
    ("project-name-on-two-lines", {"project_name": "Acme\nPlatform"},
     "project_name 'Acme\\nPlatform' contains U+000A LINE FEED"),
    ("slug-with-a-tab", {"project_slug": "acme\tshop"}, "U+0009 TAB"),
    ("repo-with-a-nul",
     {"services": [{"name": "api", "kind": "backend", "repo": "https://x.test/a\x00.git"}]},
     "services[0].repo"),
    ("registry-with-a-trailing-newline", {"registry": "ghcr.io/acme\n"}, "U+000A LINE FEED"),
]  # fmt: skip
