"""Custom Prometheus metrics of the handler (served on :8082/metrics with metrics_mode=prometheus).

Histograms use Prometheus' default buckets (5 ms .. 10 s), so times are in seconds and video
durations in minutes (buckets 0.3 s .. 10 min). TorchServe only exports model metrics it knows:
config.properties sets `model_metrics_auto_detect=true` so these are registered on first use.
"""

from __future__ import annotations

from ts.metrics.dimension import Dimension
from ts.metrics.metric_type_enum import MetricTypes

DECODE_SECONDS = "deepfake_decode_seconds"
INFERENCE_SECONDS = "deepfake_inference_seconds"
FRAMES_SAMPLED = "deepfake_frames_sampled_total"
VIDEO_DURATION_MINUTES = "deepfake_video_duration_minutes"
PREDICTIONS = "deepfake_predictions_total"
REJECTED_INPUTS = "deepfake_rejected_inputs_total"
ALL_METRICS = (DECODE_SECONDS, INFERENCE_SECONDS, FRAMES_SAMPLED, VIDEO_DURATION_MINUTES, PREDICTIONS, REJECTED_INPUTS)


class ServingMetrics:
    def __init__(self, metrics, model_name: str):
        self._metrics = metrics  # the worker's metrics cache (context.metrics)
        self._model_name = model_name

    def _emit(self, name: str, value: float, unit: str, kind: MetricTypes, **labels: str) -> None:
        dimensions = [Dimension("ModelName", self._model_name), Dimension("Level", "Model")]
        dimensions += [Dimension(key, value) for key, value in labels.items()]
        self._metrics.add_metric(name, value, unit, None, dimensions, kind)

    def decoded(self, seconds: float, frames: int, duration_s: float | None) -> None:
        self._emit(DECODE_SECONDS, seconds, "Seconds", MetricTypes.HISTOGRAM)
        self._emit(FRAMES_SAMPLED, frames, "Count", MetricTypes.COUNTER)
        if duration_s is not None:
            self._emit(VIDEO_DURATION_MINUTES, duration_s / 60.0, "Minutes", MetricTypes.HISTOGRAM)

    def inferred(self, seconds: float) -> None:
        self._emit(INFERENCE_SECONDS, seconds, "Seconds", MetricTypes.HISTOGRAM)

    def predicted(self, label: str) -> None:
        self._emit(PREDICTIONS, 1, "Count", MetricTypes.COUNTER, label=label)

    def rejected(self, reason: str) -> None:
        self._emit(REJECTED_INPUTS, 1, "Count", MetricTypes.COUNTER, reason=reason)
