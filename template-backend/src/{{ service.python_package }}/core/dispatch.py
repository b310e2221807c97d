"""The root app's innermost layer: requests under the API's prefix go straight to the API."""

from __future__ import annotations

import time
from collections.abc import Callable

from starlette.routing import Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .metrics import RequestMetrics


class ApiDispatch:
    """A request under `mount`'s prefix reaches the API with the scope the root router and
    `mount` would give it, without their matching and the root's exception layer; the
    rest (`/metrics`, paths outside the prefix, websockets) goes on to the root router.
    Requests the API answers are counted in `metrics`, when given; `prepare` sees each
    request's scope before the API does."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        mount: Mount,
        root_paths: set[str],
        metrics: RequestMetrics | None,
        prepare: Callable[[Scope], None] | None = None,
    ) -> None:
        self.app = app
        self.api = mount.app
        self.mount = mount
        self.prefix = mount.path
        self.under_prefix = mount.path + "/"
        self.root_paths = root_paths
        self.metrics = metrics
        self.prepare = prepare

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        root_path: str = scope.get("root_path", "")
        path: str = scope["path"]
        under_root = root_path and path.startswith(f"{root_path}/")
        route_path = path[len(root_path) :] if under_root else path
        if not route_path.startswith(self.under_prefix) or route_path in self.root_paths:
            await self.app(scope, receive, send)
            return
        scope.setdefault("router", scope["app"].router)
        scope["route"] = self.mount
        scope["path_params"] = dict(scope.get("path_params", {}))
        scope["app_root_path"] = scope.get("app_root_path", root_path)
        scope["root_path"] = root_path + self.prefix
        scope["endpoint"] = self.api
        if self.prepare is not None:
            self.prepare(scope)
        if self.metrics is None:
            await self.api(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.api(scope, receive, send_status)
        finally:
            self.metrics.record(scope, self.mount, status, time.perf_counter() - started)
