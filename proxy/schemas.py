"""Response shapes: those the proxy builds, and the prediction TorchServe's handler answers (passed
through unchanged; declared here so /openapi.json documents it)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class ErrorBody(BaseModel):
    model_config = ConfigDict(extra="allow")
    error: str = Field(description="what went wrong, for a person")
    code: str = Field(description="stable machine-readable reason, e.g. torchserve_unavailable")


def error(description: str) -> dict[str, Any]:
    return {"model": ErrorBody, "description": description}


RETRY_AFTER = {
    "Retry-After": {"description": "seconds to wait before sending the request again", "schema": {"type": "integer"}}
}
# Every refusal any route may answer (the inference routes all of them), each with the {error, code} body.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: error(
        "bad input (codes from the handler: empty_input, undecodable, no_video_stream, no_frames, "
        "undecodable_image, malformed_json, bad_json, bad_frame, missing_field, non_finite, bad_coverage, "
        "coverage_not_explainable; from the proxy: "
        "empty_body, bad_content_length, ambiguous_framing, bad_multipart, bad_body, upload_incomplete, "
        "host_not_allowed)"
    ),
    403: error("cross_site_refused: a browser request from a page other than the upload page or an allowed extension"),
    408: error(
        "request_timeout or upload_too_slow: the request head or body did not arrive in time (connection closed)"
    ),
    413: error(
        "over a limit: payload_too_large (--max-upload-mb), too_many_pixels (3840x2160 per frame, 16 full-HD frames "
        "of JSON images in all), too_many_streams (64 per container), too_long (3 h), too_many_frames, "
        "json_too_large, decode_timeout, "
        "too_many_windows, coverage_timeout"
    ),
    415: error(
        "unsupported_media_type (Content-Type) or unsupported_container (a file format the server does not read)"
    ),
    502: error("torchserve_unauthorized or torchserve_connection_error: the operator must fix the proxy or TorchServe"),
    503: {
        **error("torchserve_unavailable, no_ready_worker, busy, worker_died, service_unavailable: retry later"),
        "headers": RETRY_AFTER,
    },
    504: error("torchserve_timeout: TorchServe did not answer within --timeout-s"),
}


class FramesSummary(BaseModel):
    model_config = ConfigDict(extra="allow")
    count: int = Field(description="frames scored (16)")
    unique: int = Field(description="distinct frames among them (fewer for very short videos)")
    indices: list[int]
    timestamps_s: list[float]
    scores: list[float] = Field(description="calibrated P(fake) of each frame alone")


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


Verdict = Literal["real", "fake", "uncertain", "out_of_distribution"]


class InDistribution(BaseModel):
    available: bool = Field(description="false for checkpoints without the check (then score, threshold, ok are null)")
    score: float | None = Field(None, description="unfamiliarity of the pooled clip feature; larger is less familiar")
    threshold: float | None = Field(None, description="scores above it are unfamiliar")
    ok: bool | None = Field(None, description="the clip is like the training clips (score <= threshold)")


class ModelSummary(BaseModel):
    model_config = ConfigDict(extra="allow")
    name: str
    version: str
    arch: str
    trained_on: str | None = Field(None, description='what the model learned from, e.g. "synthetic demo data"')
    demo: bool | None = Field(
        None, description="a demo model trained on synthetic clips: not evidence about real videos"
    )


class Prediction(BaseModel):
    """The handler's answer for one video, passed through unchanged (fields may grow)."""

    model_config = ConfigDict(extra="allow", protected_namespaces=())
    verdict: Verdict = Field(description="what to act on; out_of_distribution wins over real/fake")
    label: Literal["real", "fake"] = Field(description="the threshold alone (kept for compatibility)")
    probability: float = Field(description="calibrated P(fake)")
    probability_raw: float | None = Field(None, description="P(fake) before calibration (sigmoid of the logit)")
    confidence: float = Field(description="probability of the returned label")
    threshold: float = Field(description="the stored operating threshold, on the calibrated scale")
    in_distribution: InDistribution
    frames: FramesSummary
    video: dict[str, Any] = Field(description="width, height, fps, duration_s, frames_total")
    model: ModelSummary
    timing_ms: dict[str, float]
    batch_size: int | None = None


class ModelInfo(BaseModel):
    """The checkpoint's metadata as the handler describes it, plus TorchServe's serving settings.

    Extra checkpoint fields the handler adds are passed through."""

    model_config = ConfigDict(extra="allow", protected_namespaces=())
    name: str
    version: str | None = None
    arch: str | None = None
    trained_on: str | None = Field(None, description='what the model learned from, e.g. "synthetic demo data"')
    demo: bool | None = Field(None, description="a demo model trained on synthetic clips")
    num_frames: int | None = Field(None, description="frames sampled per video")
    image_size: int | None = Field(None, description="input side in pixels (square)")
    threshold: float | None = Field(None, description="calibrated P(fake) at or above which the label is 'fake'")
    classes: list[str] | None = None
    metrics: dict[str, Any] = Field(default_factory=dict, description="validation figures saved with the checkpoint")
    created: str | None = None
    operating_point: dict[str, Any] | None = Field(
        None,
        description="threshold, uncertain_band, target_fpr, fpr_confidence (the threshold's margin for unseen "
        "sources; absent in older checkpoints), held-out tpr/fpr/precision/coverage; available: false "
        "for checkpoints without one (then the threshold with a fixed +-0.1 band)",
    )
    calibration: dict[str, Any] | None = Field(None, description="method, temperature, ECE before/after, fitted_on")
    in_distribution: dict[str, Any] | None = Field(
        None, description="method, threshold, coverage of held-out clips, fitted_on; available: false without it"
    )
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
