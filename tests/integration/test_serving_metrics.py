"""GET :8082/metrics is Prometheus text with TorchServe's and the handler's own metrics, and passes
Prometheus's own linter (`promtool check metrics`, Debian's prometheus package) for every handler
metric; TorchServe's own names fail it in ways the handler cannot change, listed one by one."""

from __future__ import annotations

import re
import shutil
import subprocess

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from serving.metrics import ALL_METRICS, help_text
from tests.fixtures.media import SHARED_VIDEOS_DIR
from tests.fixtures.polling import poll
from tests.fixtures.torchserve import predict

PROMTOOL = shutil.which("promtool")
# TorchServe 0.12's own metrics, named in its Java frontend and Python worker (ts/configs/metrics.yaml).
# A metrics YAML can rename their labels and units but not the names, and the HPA's adapter rule
# reads ts_queue_latency_microseconds as it is (deploy/kubernetes/monitoring/): so they stay.
CAMEL_NAME = "metric names should be written in 'snake_case' not 'camelCase'"
CAMEL_LABEL = "label names should be written in 'snake_case' not 'camelCase'"
NO_TOTAL = 'counter metrics should have "_total" suffix'
TORCHSERVE_EXCEPTIONS = {
    ("Requests2XX", NO_TOTAL),
    ("Requests4XX", NO_TOTAL),
    ("Requests5XX", NO_TOTAL),
    ("ts_inference_latency_microseconds", NO_TOTAL),
    ("ts_inference_latency_microseconds", 'use base unit "seconds" instead of "microseconds"'),
    ("ts_queue_latency_microseconds", NO_TOTAL),
    ("ts_queue_latency_microseconds", 'use base unit "seconds" instead of "microseconds"'),
    ("QueueTime", CAMEL_NAME),
    ("WorkerThreadTime", CAMEL_NAME),
    ("WorkerLoadTime", CAMEL_NAME),
    ("WorkerLoadTime", CAMEL_LABEL),  # WorkerName
    ("MemoryUsed", CAMEL_NAME),
    ("MemoryAvailable", CAMEL_NAME),
    ("MemoryUtilization", CAMEL_NAME),
    ("DiskUsage", CAMEL_NAME),
    ("DiskAvailable", CAMEL_NAME),
    ("DiskUtilization", CAMEL_NAME),
    ("GPUMemoryUsed", CAMEL_NAME),
    ("GPUMemoryUtilization", CAMEL_NAME),
    ("HandlerTime", CAMEL_NAME),  # BaseHandler's own, with ModelName
    ("HandlerTime", CAMEL_LABEL),
    ("PredictionTime", CAMEL_NAME),
    ("PredictionTime", CAMEL_LABEL),
}
PROBLEM_LINE = re.compile(r"^(\S+) (.+)$")


def sample_names(text: str) -> set[str]:
    return {sample.name for family in text_string_to_metric_families(text) for sample in family.samples}


def handler_metric_names(text: str) -> set[str]:
    names = sample_names(text)
    return {spec.name for spec in ALL_METRICS if spec.name in names or f"{spec.name}_count" in names}


@pytest.fixture(scope="module")
def scraped(torchserve) -> str:
    """/metrics after a good video and a bad input."""
    assert predict(torchserve, (SHARED_VIDEOS_DIR / "carphone_pristine.mp4").read_bytes()).status_code == 200
    assert predict(torchserve, b"not a video at all").status_code == 400

    def every_handler_metric_exported() -> str | None:
        text = httpx.get(f"{torchserve.metrics_url}/metrics", timeout=10).text
        return text if handler_metric_names(text) == {spec.name for spec in ALL_METRICS} else None

    # The worker logs its metrics and the frontend picks them up a moment later.
    return poll(every_handler_metric_exported, 30, "the handler's metrics did not all appear on /metrics")


def test_metrics_parse_and_show_requests_and_every_custom_metric(scraped):
    assert "ts_inference_requests_total" in sample_names(scraped)
    rejected = [
        sample
        for family in text_string_to_metric_families(scraped)
        for sample in family.samples
        if sample.name == "deepfake_rejected_inputs_total"
    ]
    assert any(sample.labels.get("reason") == "undecodable" and sample.value >= 1 for sample in rejected)
    assert all(set(sample.labels) == {"model_name", "reason", "Hostname"} for sample in rejected)


def test_handler_metrics_carry_their_own_help_text(scraped):
    for spec in ALL_METRICS:
        assert f"# HELP {spec.name} {help_text(spec)}\n" in scraped, spec.name


def test_promtool_passes_every_handler_metric_and_only_listed_torchserve_names_fail(scraped):
    assert PROMTOOL, "promtool missing: scripts/install_system_packages.sh installs Debian's prometheus package"
    result = subprocess.run(
        [PROMTOOL, "check", "metrics"], input=scraped, capture_output=True, text=True, timeout=60, check=False
    )
    report = (result.stdout + result.stderr).strip()
    assert result.returncode in (0, 3), report  # 3: lint problems; anything else: unparsable text
    problems = {PROBLEM_LINE.match(line).groups() for line in report.splitlines() if line.strip()}
    handler_problems = {problem for problem in problems if problem[0].startswith("deepfake_")}
    assert handler_problems == set(), report
    assert problems - TORCHSERVE_EXCEPTIONS == set(), report
