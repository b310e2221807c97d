"""The manifests the meta-repo's tier-3 tests render: 1, 3 and 12 services of mixed kinds."""

from typing import Any

MANIFESTS: dict[str, list[dict[str, Any]]] = {
    # A backend alone (a frontend always needs a backend): no catch-all route, no browser.
    "one": [{"name": "api", "kind": "backend"}],
    "three": [
        {"name": "web", "kind": "frontend", "route": "/"},
        {"name": "api", "kind": "backend", "route": "/api"},
        {"name": "admin", "kind": "frontend", "route": "/admin"},
    ],
    "twelve": [
        {"name": "web", "kind": "frontend", "route": "/"},
        {"name": "api", "kind": "backend", "route": "/api"},
        {"name": "auth-svc", "kind": "backend", "route": "/auth"},
        {"name": "admin", "kind": "frontend", "route": "/admin"},
        {"name": "billing", "kind": "backend"},
        {"name": "search-api", "kind": "backend", "route": "/search", "port": 9100},
        {"name": "docs-site", "kind": "frontend", "route": "/docs"},
        {"name": "media", "kind": "backend", "ref": "v1.2.0"},
        {"name": "shop", "kind": "frontend"},
        {"name": "notify", "kind": "backend"},
        {"name": "status-page", "kind": "frontend", "route": "/status"},
        {"name": "reports", "kind": "backend", "route": "/reports/v1"},
    ],
}
