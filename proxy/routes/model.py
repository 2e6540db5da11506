"""GET /api/model: the checkpoint's metadata (from the handler) and TorchServe's serving settings."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import APIRouter
from pydantic import ValidationError

from client.answers import error_body
from proxy.dependencies import TorchServeDep
from proxy.errors import ApiError
from proxy.schemas import ErrorBody, ModelInfo, serving_from_description
from proxy.torchserve import model_description

router = APIRouter(tags=["model"])


@router.get(
    "/model",
    response_model=ModelInfo,
    responses={502: {"model": ErrorBody}, 503: {"model": ErrorBody}, 504: {"model": ErrorBody}},
)
async def model(torchserve: TorchServeDep) -> ModelInfo:
    serving = serving_from_description(
        registered_model(await torchserve.describe_model(), torchserve.settings.model_name)
    )
    if not any(worker.status == "READY" for worker in serving.workers):
        # Asking the handler now would wait in TorchServe's queue until a worker starts, or time out.
        raise ApiError(503, "no_ready_worker", f"model {torchserve.settings.model_name!r} has no READY worker yet")
    checkpoint = checkpoint_metadata(await torchserve.describe_checkpoint())
    try:
        return ModelInfo(**{"name": torchserve.settings.model_name, **checkpoint, "serving": serving})
    except ValidationError as error:
        raise ApiError(
            502,
            "model_metadata_unavailable",
            f"the handler's checkpoint description is malformed: {error.errors()[0]['msg']}",
        ) from None


def registered_model(response: httpx.Response, name: str) -> dict[str, Any]:
    if response.status_code == 404:
        raise ApiError(503, "model_not_registered", f"model {name!r} is not registered in TorchServe")
    if not response.is_success:
        raise ApiError(
            502,
            "torchserve_error",
            f"TorchServe management API: {error_body(response.status_code, response.content)['error']}",
        )
    description = model_description(response)
    if description is None:
        raise ApiError(502, "torchserve_error", "TorchServe management API described no model")
    return description


def checkpoint_metadata(response: httpx.Response) -> dict[str, Any]:
    """The `model` object of the handler's answer to {"describe": true}."""
    if not response.is_success:
        upstream = error_body(response.status_code, response.content)
        raise ApiError(
            502,
            "model_metadata_unavailable",
            f"the TorchServe handler did not describe the checkpoint: {upstream['error']}",
        )
    try:
        metadata = response.json().get("model")
    except (ValueError, AttributeError):
        metadata = None
    if not isinstance(metadata, dict):
        raise ApiError(
            502, "model_metadata_unavailable", "the TorchServe handler's describe answer has no 'model' object"
        )
    return metadata
