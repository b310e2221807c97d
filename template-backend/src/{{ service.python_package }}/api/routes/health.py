"""Liveness and readiness probes."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from ...schemas.errors import ErrorResponse
from ...schemas.health import Health, NotReady, Ready
from ..deps import RuntimeDep

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="Liveness: the process answers")
async def healthz() -> Health:
    return Health()


@router.get(
    "/readyz",
    summary="Readiness: the database and the configured NATS and Redis answer; not shutting down",
    response_model=Ready,
    responses={
        503: {
            "model": NotReady,
            "description": "The database, NATS or Redis is unreachable, or shutdown began",
        },
        429: {"model": ErrorResponse, "description": "Too many requests"},
    },
)
async def readyz(runtime: RuntimeDep) -> Ready | JSONResponse:
    reason = await runtime.problem()
    if reason is not None:
        return JSONResponse(NotReady(reason=reason).model_dump(), status_code=503)
    return Ready()
