"""Custom Prometheus metrics of the handler (served on :8082/metrics with metrics_mode=prometheus).

What TorchServe 0.12 lets a handler decide (read in its Java frontend and Python worker):
- HELP: the frontend writes "Torchserve prometheus <type> metric with unit: <unit>", with the unit
  string the worker logs. That string is free text within the frontend's pattern (`[\\w\\s]+`:
  letters, digits, `_` and spaces), so each metric's unit is its description.
- Labels: the names the handler gives, plus `Hostname`, which the frontend appends to every
  auto-detected backend metric (promtool accepts it: it is not camelCase). The metrics are
  registered here with snake_case label names through the cache's own API, so the worker does
  not add its `ModelName`/`Level` defaults.
- Buckets: the frontend's histograms use Prometheus' default buckets (5 ms .. 10 s); there is no
  setting for them. So times are histograms in seconds, and video length is a counter of seconds
  analysed (a mean per request comes from dividing by deepfake_predictions_total).
config.properties sets `model_metrics_auto_detect=true`, so these are exported on first use.
"""

from __future__ import annotations

from dataclasses import dataclass

from ts.metrics.metric_cache_errors import MetricsCacheKeyError
from ts.metrics.metric_type_enum import MetricTypes


@dataclass(frozen=True)
class MetricSpec:
    name: str
    kind: MetricTypes
    description: str  # becomes the HELP text (TorchServe calls it the unit)
    labels: tuple[str, ...] = ()


DECODE_SECONDS = MetricSpec(
    "deepfake_decode_seconds", MetricTypes.HISTOGRAM, "seconds to read one upload and sample its frames"
)
INFERENCE_SECONDS = MetricSpec(
    "deepfake_inference_seconds", MetricTypes.HISTOGRAM, "seconds of network forward pass per batch of clips"
)
FRAMES_SAMPLED = MetricSpec("deepfake_frames_sampled_total", MetricTypes.COUNTER, "frames sampled from uploads")
VIDEO_SECONDS = MetricSpec(
    "deepfake_video_seconds_total", MetricTypes.COUNTER, "seconds of video content analysed in uploads"
)
PREDICTIONS = MetricSpec(
    "deepfake_predictions_total", MetricTypes.COUNTER, "predictions answered by returned label", ("label",)
)
REJECTED_INPUTS = MetricSpec(
    "deepfake_rejected_inputs_total", MetricTypes.COUNTER, "uploads refused as bad input by error code", ("reason",)
)
ALL_METRICS = (DECODE_SECONDS, INFERENCE_SECONDS, FRAMES_SAMPLED, VIDEO_SECONDS, PREDICTIONS, REJECTED_INPUTS)
HELP_PREFIX = "Torchserve prometheus {kind} metric with unit: "  # TorchServe's frontend, verbatim


def help_text(spec: MetricSpec) -> str:
    """The HELP line TorchServe's frontend writes for `spec`."""
    return HELP_PREFIX.format(kind=spec.kind.value) + spec.description


class ServingMetrics:
    def __init__(self, metrics, model_name: str):
        self._metrics = metrics  # the worker's metrics cache (context.metrics)
        self._model_name = model_name

    def _emit(self, spec: MetricSpec, value: float, *label_values: str) -> None:
        self._registered(spec).add_or_update(value, [self._model_name, *label_values])

    def _registered(self, spec: MetricSpec):
        try:
            return self._metrics.get_metric(spec.name, spec.kind)
        except MetricsCacheKeyError:
            return self._metrics.add_metric_to_cache(
                spec.name, spec.description, ["model_name", *spec.labels], spec.kind
            )

    def decoded(self, seconds: float, frames: int, duration_s: float | None) -> None:
        self._emit(DECODE_SECONDS, seconds)
        self._emit(FRAMES_SAMPLED, frames)
        if duration_s is not None:
            self._emit(VIDEO_SECONDS, duration_s)

    def inferred(self, seconds: float) -> None:
        self._emit(INFERENCE_SECONDS, seconds)

    def predicted(self, label: str) -> None:
        self._emit(PREDICTIONS, 1, label)

    def rejected(self, reason: str) -> None:
        self._emit(REJECTED_INPUTS, 1, reason)
