"""TorchServe with token auth on: the proxy sends the keys (key file or environment) and never shows them."""

from __future__ import annotations

import json

import httpx
import pytest

from stack.torchserve_process import Ports, prepare_workdir, start, stop
from tests.fixtures.polling import poll
from tests.fixtures.torchserve import REPO_ROOT, free_ports

pytestmark = pytest.mark.slow

READY_TIMEOUT_S = 120.0


def keys_once_ready(management_url: str, key_file) -> dict | None:
    """The key file once TorchServe wrote it and a worker is READY (asked with the management key)."""
    if not key_file.exists():
        return None
    keys = json.loads(key_file.read_text())
    try:
        answer = httpx.get(
            f"{management_url}/models/deepfake",
            headers={"Authorization": f"Bearer {keys['management']['key']}"},
            timeout=5,
        )
    except httpx.TransportError:
        return None
    workers = answer.json()[0]["workers"] if answer.status_code == 200 else []
    return keys if any(worker["status"] == "READY" for worker in workers) else None


@pytest.fixture(scope="module")
def token_torchserve(served_mar, tmp_path_factory):
    """A second TorchServe from the session's .mar, with the repo's config but token auth on."""
    mar_path, _ = served_mar
    inference, management, metrics, worker, grpc_inference, grpc_management = free_ports(6)
    instance = prepare_workdir(
        tmp_path_factory.mktemp("torchserve_token"),
        (REPO_ROOT / "config.properties").read_text(),
        Ports(inference, management, metrics, grpc_inference, grpc_management),
        mar_path,
        overrides={"disable_token_authorization": "false", "initial_worker_port": str(worker)},
    )
    start(instance)
    try:
        keys = poll(
            lambda: keys_once_ready(instance.management_url, instance.workdir / "key_file.json"),
            READY_TIMEOUT_S,
            "TorchServe with token auth never had a READY worker",
            0.2,
        )
        yield instance, keys
    finally:
        stop(instance)


@pytest.fixture(scope="module")
def keyed_proxy(token_torchserve, proxy_launcher):
    instance, _ = token_torchserve
    return proxy_launcher.start(
        instance.inference_url, instance.management_url, "--key-file", str(instance.workdir / "key_file.json")
    )


def secrets_of(keys: dict) -> list[str]:
    return [keys["inference"]["key"], keys["management"]["key"], keys["API"]["key"]]


def test_torchserve_refuses_calls_without_a_key(token_torchserve):
    instance, _ = token_torchserve
    assert httpx.get(instance.inference_url + "/ping", timeout=10).status_code == 400


def test_proxy_with_the_key_file_serves_every_route_and_never_shows_a_key(
    token_torchserve, keyed_proxy, shared_videos_dir
):
    _, keys = token_torchserve
    video = (shared_videos_dir / "sample-mov.mov").read_bytes()
    answers = [
        httpx.get(keyed_proxy.url + "/api/health", timeout=30),
        httpx.get(keyed_proxy.url + "/api/model", timeout=120),
        httpx.post(keyed_proxy.url + "/api/predict", files={"file": ("v.mov", video, "video/quicktime")}, timeout=120),
        httpx.post(keyed_proxy.url + "/api/predict", json={"frames": "bad"}, timeout=120),
    ]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 400]
    shown = "\n".join(answer.text + str(answer.headers) for answer in answers) + keyed_proxy.log()
    for secret in secrets_of(keys):
        assert secret not in shown


def test_proxy_takes_the_keys_from_the_environment(token_torchserve, proxy_launcher):
    instance, keys = token_torchserve
    environment = {
        "TORCHSERVE_INFERENCE_KEY": keys["inference"]["key"],
        "TORCHSERVE_MANAGEMENT_KEY": keys["management"]["key"],
    }
    from_environment = proxy_launcher.start(instance.inference_url, instance.management_url, environment=environment)
    assert httpx.get(from_environment.url + "/api/health", timeout=30).status_code == 200
    from_environment.stop()


def test_proxy_without_a_key_says_so_instead_of_passing_torchserves_refusal(
    token_torchserve, proxy_launcher, shared_videos_dir
):
    instance, _ = token_torchserve
    keyless = proxy_launcher.start(instance.inference_url, instance.management_url)  # the launcher passes --key-file ""
    health = httpx.get(keyless.url + "/api/health", timeout=30)
    assert health.status_code == 503
    assert (health.json()["down"], health.json()["code"]) == ("inference_api", "torchserve_unauthorized")
    video = (shared_videos_dir / "sample-mov.mov").read_bytes()
    predicted = httpx.post(
        keyless.url + "/api/predict", files={"file": ("v.mov", video, "video/quicktime")}, timeout=120
    )
    assert predicted.status_code == 502
    assert predicted.json()["code"] == "torchserve_unauthorized"
    keyless.stop()
