"""Token auth is on by default: TorchServe answers nothing without a key, the key file is its owner's
only, and the proxy sends the keys (key file or environment) without ever showing them."""

from __future__ import annotations

import json
import stat

import httpx
import pytest

pytestmark = pytest.mark.slow


def secrets_of(key_file) -> list[str]:
    keys = json.loads(key_file.read_text())
    return [keys["inference"]["key"], keys["management"]["key"], keys["API"]["key"]]


def test_torchserve_answers_nothing_without_the_right_key(torchserve):
    for url in (f"{torchserve.inference_url}/ping", f"{torchserve.management_url}/models"):
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Host": "evil.example"}):
            answer = httpx.get(url, headers=headers, timeout=10)
            assert answer.status_code == 400 and answer.json()["type"] == "InvalidKeyException", (url, headers)
    wrong_kind = httpx.get(f"{torchserve.management_url}/models", headers=torchserve.inference_headers(), timeout=10)
    assert wrong_kind.status_code == 400  # the inference key opens :8080 only


def test_the_key_file_is_readable_by_its_owner_only(torchserve):
    mode = stat.S_IMODE(torchserve.key_file.stat().st_mode)
    assert mode & 0o077 == 0, oct(mode)


def test_proxy_with_the_key_file_serves_every_route_and_never_shows_a_key(torchserve, proxy, shared_videos_dir):
    video = (shared_videos_dir / "sample-mov.mov").read_bytes()
    answers = [
        httpx.get(proxy.url + "/api/health", timeout=30),
        httpx.get(proxy.url + "/api/model", timeout=120),
        httpx.post(proxy.url + "/api/predict", files={"file": ("v.mov", video, "video/quicktime")}, timeout=120),
        httpx.post(proxy.url + "/api/predict", json={"frames": "bad"}, timeout=120),
    ]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 400]
    shown = "\n".join(answer.text + str(answer.headers) for answer in answers) + proxy.running.log()
    for secret in secrets_of(torchserve.key_file):
        assert secret not in shown


def test_proxy_takes_the_keys_from_the_environment(torchserve, proxy_launcher):
    keys = json.loads(torchserve.key_file.read_text())
    environment = {
        "TORCHSERVE_INFERENCE_KEY": keys["inference"]["key"],
        "TORCHSERVE_MANAGEMENT_KEY": keys["management"]["key"],
    }
    from_environment = proxy_launcher.start(
        torchserve.inference_url, torchserve.management_url, environment=environment
    )
    assert httpx.get(from_environment.url + "/api/health", timeout=30).status_code == 200
    from_environment.stop()


def test_proxy_without_a_key_says_so_instead_of_passing_torchserves_refusal(
    torchserve, proxy_launcher, shared_videos_dir
):
    keyless = proxy_launcher.start(torchserve.inference_url, torchserve.management_url)  # --key-file "", no key
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
