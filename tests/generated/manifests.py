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

# The engines each manifest's meta-repo runs in the tier-3 config checks: none, one, both.
ENGINES: dict[str, list[str]] = {"one": [], "three": ["nats"], "twelve": ["nats", "redis"]}
# What each engine gives every backend: its variable, its URL on a container network, and
# natively (the shell fills in the port setting).
ENGINE_URLS = {
    "nats": ("NATS_URL", "nats://nats:4222", "nats://127.0.0.1:${NATS_PORT}"),
    "redis": ("REDIS_URL", "redis://redis:6379/0", "redis://127.0.0.1:${REDIS_PORT}/0"),
}
