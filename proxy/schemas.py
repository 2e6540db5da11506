"""Response shapes the proxy itself builds (prediction bodies are TorchServe's, passed through)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class ErrorBody(BaseModel):
    model_config = ConfigDict(extra="allow")
    error: str = Field(description="what went wrong, for a person")
    code: str = Field(description="stable machine-readable reason, e.g. torchserve_unavailable")


class HealthChecks(BaseModel):
    inference_api: Literal["up", "down", "unauthorized", "error"]
    management_api: Literal["up", "down", "unauthorized", "error"]
    model_registered: bool | None = Field(description="null when the management API could not be asked")
    workers_ready: int
    workers_total: int


class Health(BaseModel):
    status: Literal["ready"]
    model: str
    checks: HealthChecks


class HealthDown(ErrorBody):
    status: Literal["unavailable"]
    down: Literal["torchserve", "inference_api", "management_api", "model", "worker"] = Field(
        description="the part that is not ready"
    )
    checks: HealthChecks


class Worker(BaseModel):
    id: str
    status: str
    pid: int | None = None
    start_time: str | None = None


class Serving(BaseModel):
    """TorchServe's own settings for the model (management API)."""

    model_version: str | None = None
    batch_size: int | None = None
    max_batch_delay_ms: int | None = None
    response_timeout_s: int | None = None
    min_workers: int | None = None
    max_workers: int | None = None
    workers: list[Worker] = []


class ModelInfo(BaseModel):
    """The checkpoint's metadata as the handler describes it, plus TorchServe's serving settings.

    Extra checkpoint fields the handler adds are passed through."""

    model_config = ConfigDict(extra="allow", protected_namespaces=())
    name: str
    version: str | None = None
    arch: str | None = None
    num_frames: int | None = Field(None, description="frames sampled per video")
    image_size: int | None = Field(None, description="input side in pixels (square)")
    threshold: float | None = Field(None, description="P(fake) at or above which the label is 'fake'")
    classes: list[str] | None = None
    metrics: dict[str, Any] = Field(default_factory=dict, description="validation figures saved with the checkpoint")
    created: str | None = None
    serving: Serving


def serving_from_description(description: dict[str, Any]) -> Serving:
    """One entry of TorchServe's `GET /models/<name>` answer -> Serving."""
    workers = [
        Worker(
            id=str(worker.get("id", "")),
            status=str(worker.get("status", "")),
            pid=worker.get("pid"),
            start_time=worker.get("startTime"),
        )
        for worker in description.get("workers") or []
    ]
    return Serving(
        model_version=description.get("modelVersion"),
        batch_size=description.get("batchSize"),
        max_batch_delay_ms=description.get("maxBatchDelay"),
        response_timeout_s=description.get("responseTimeout"),
        min_workers=description.get("minWorkers"),
        max_workers=description.get("maxWorkers"),
        workers=workers,
    )
