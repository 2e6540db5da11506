"""GET /api/health: ready only when TorchServe answers and the model has a READY worker."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from proxy.dependencies import TorchServeDep
from proxy.errors import ApiError
from proxy.readiness import Answer, health_checks, verdict
from proxy.schemas import Health, HealthDown

router = APIRouter(tags=["health"])


async def answer_or_error(call) -> Answer:
    try:
        return await call
    except ApiError as error:
        return error


@router.get("/health", response_model=Health, responses={503: {"model": HealthDown, "description": "a part is down"}})
async def health(torchserve: TorchServeDep):
    ping, management = await asyncio.gather(
        answer_or_error(torchserve.ping()),
        answer_or_error(torchserve.describe_model(timeout_s=torchserve.settings.health_timeout_s)),
    )
    result = verdict(torchserve.settings.model_name, health_checks(ping, management))
    if isinstance(result, HealthDown):
        return JSONResponse(result.model_dump(), status_code=503)
    return result
