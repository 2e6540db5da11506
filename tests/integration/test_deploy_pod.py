"""The pod's TorchServe settings for real: the repository's config.properties merged with
deploy/pod-config/pod.properties (token auth on, long-lived keys) served by a real TorchServe from
the session's .mar; the pod's probe script as the kubelet runs it; the metrics the autoscaler's
adapter rule reads, scraped without a key as Prometheus does. Loopback ports stand in for the
pod's 0.0.0.0 (binding every interface of this machine in a test is not wanted)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import yaml

from stack.pod_config import merge_properties
from stack.torchserve_process import Ports, free_ports, frontend_pid, prepare_workdir, start, stop
from tests.fixtures.media import SHARED_VIDEOS_DIR
from tests.fixtures.polling import poll
from tests.fixtures.torchserve import REPO_ROOT

pytestmark = pytest.mark.slow

DEPLOY = REPO_ROOT / "deploy"
READY_TIMEOUT_S = 120.0


def run_probe(mode: str, management_url: str, key_file) -> subprocess.CompletedProcess:
    """The kubelet's exec probe: the script by path, as the container runs it."""
    command = [
        sys.executable,
        str(REPO_ROOT / "stack" / "probe.py"),
        mode,
        "--management-url",
        management_url,
        "--key-file",
        str(key_file),
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)


@pytest.fixture(scope="module")
def pod_torchserve(served_mar, tmp_path_factory):
    """TorchServe from the session's .mar with the pod's merged configuration; ready per the probe."""
    mar_path, _ = served_mar
    merged = merge_properties(
        (REPO_ROOT / "config.properties").read_text(), (DEPLOY / "pod-config" / "pod.properties").read_text()
    )
    inference, management, metrics, grpc_inference, grpc_management, worker = free_ports(6)
    instance = prepare_workdir(
        tmp_path_factory.mktemp("torchserve_pod"),
        merged,
        Ports(inference, management, metrics, grpc_inference, grpc_management),
        mar_path,
        overrides={"initial_worker_port": str(worker), "model_store": "model_store"},  # the pod's is /app/model_store
    )
    key_file = instance.workdir / "key_file.json"
    start(instance)
    try:

        def probe_says_ready() -> bool:
            assert frontend_pid(instance), f"TorchServe exited; see {instance.workdir / 'logs'}"
            return run_probe("ready", instance.management_url, key_file).returncode == 0

        poll(probe_says_ready, READY_TIMEOUT_S, "the readiness probe never passed", 0.5)
        yield instance, key_file
    finally:
        stop(instance)


def test_token_auth_is_on_and_keys_outlive_a_day(pod_torchserve):
    instance, key_file = pod_torchserve
    assert httpx.get(instance.inference_url + "/ping", timeout=10).status_code == 400  # no key, no answer
    keys = json.loads(key_file.read_text())
    expires = datetime.fromisoformat(keys["management"]["expiration time"])
    assert expires - datetime.now(UTC) > timedelta(days=29), keys["management"]


def test_the_probe_passes_with_the_key_file_and_fails_with_a_wrong_key(pod_torchserve, tmp_path):
    instance, key_file = pod_torchserve
    assert run_probe("live", instance.management_url, key_file).returncode == 0
    wrong = json.loads(key_file.read_text())
    wrong["management"]["key"] = "not-the-key"
    wrong_file = tmp_path / "key_file.json"
    wrong_file.write_text(json.dumps(wrong))
    for mode in ("ready", "live"):
        refused = run_probe(mode, instance.management_url, wrong_file)
        assert refused.returncode == 1 and "answered 400" in refused.stdout, refused


def test_prometheus_reads_the_autoscaler_series_without_a_key(pod_torchserve):
    instance, key_file = pod_torchserve
    inference_key = json.loads(key_file.read_text())["inference"]["key"]
    video = (SHARED_VIDEOS_DIR / "sample-mov.mov").read_bytes()
    headers = {"Content-Type": "video/quicktime", "Authorization": f"Bearer {inference_key}"}
    answer = httpx.post(f"{instance.inference_url}/predictions/deepfake", content=video, headers=headers, timeout=120)
    assert answer.status_code == 200, answer.text
    scraped = httpx.get(instance.metrics_url + "/metrics", timeout=10)
    assert scraped.status_code == 200
    (rule,) = yaml.safe_load((DEPLOY / "kubernetes" / "monitoring" / "prometheus-adapter-values.yaml").read_text())[
        "rules"
    ]["custom"]
    series = set(re.findall(r"\b(ts_[a-z_]+)\{", rule["metricsQuery"]))
    assert series == {"ts_queue_latency_microseconds", "ts_inference_requests_total"}
    for name in series:
        assert re.search(rf"^{name}\{{.*\}} [0-9.eE+]+$", scraped.text, re.MULTILINE), f"{name} missing from /metrics"
