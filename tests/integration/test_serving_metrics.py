"""GET :8082/metrics is Prometheus text with TorchServe's and the handler's own metrics."""

from __future__ import annotations

import httpx
from prometheus_client.parser import text_string_to_metric_families

from serving.metrics import ALL_METRICS
from tests.fixtures.media import SHARED_VIDEOS_DIR
from tests.fixtures.torchserve import predict


def sample_names(text: str) -> set[str]:
    return {sample.name for family in text_string_to_metric_families(text) for sample in family.samples}


def test_metrics_parse_and_show_requests_and_every_custom_metric(torchserve):
    assert predict(torchserve, (SHARED_VIDEOS_DIR / "carphone_pristine.mp4").read_bytes()).status_code == 200
    assert predict(torchserve, b"not a video at all").status_code == 400
    text = httpx.get(f"{torchserve.metrics_url}/metrics", timeout=10).text
    names = sample_names(text)
    assert "ts_inference_requests_total" in names
    for metric in ALL_METRICS:
        assert metric in names or f"{metric}_count" in names, f"{metric} missing from /metrics"
    rejected = [
        sample
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "deepfake_rejected_inputs_total"
    ]
    assert any(sample.labels.get("reason") == "undecodable" and sample.value >= 1 for sample in rejected)
