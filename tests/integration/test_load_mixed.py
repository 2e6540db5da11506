"""Load: 200 requests at concurrency 16 through the proxy, good videos mixed with bad inputs.

Every request is answered; every good answer matches the answer the same video got alone
(batching must not change a verdict); every bad one is a 4xx JSON error; no worker restarts.
"""

from __future__ import annotations

import base64
import random
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.fixtures.media import SHARED_VIDEOS_DIR
from tests.fixtures.torchserve import assert_prediction_contract
from tests.integration.test_serving_errors import BAD_INPUTS, huge_png_header

pytestmark = pytest.mark.slow

REQUESTS = 200
CONCURRENCY = 16
GOOD_SHARE = 0.4  # 80 good videos: each costs a 16-frame forward on 2 shared cores
GOOD_VIDEOS = ("carphone_pristine.mp4", "sample-mp4.mp4", "sample-webm.webm", "sample-flv.flv")
CLIENT_TIMEOUT_S = 180.0  # a hang shows up as a client timeout, far above the expected seconds
# Batched forwards differ from single ones in the last float digits only.
PROBABILITY_TOLERANCE = 1e-4
SAME_FIELDS = ("label", "threshold", "video", "model")


def bad_bodies() -> dict[str, tuple[bytes, str]]:
    bodies = dict(BAD_INPUTS)
    bodies["frame over the pixel limit"] = (
        b'{"frames": ["' + base64.b64encode(huge_png_header(5000)) + b'"]}',
        "application/json",
    )
    return bodies


def mixed_requests() -> list[tuple[str, bytes, str]]:
    """(name, body, content type) x REQUESTS in a fixed shuffled order; names of good ones are file names."""
    good = [(name, (SHARED_VIDEOS_DIR / name).read_bytes(), "video/mp4") for name in GOOD_VIDEOS]
    bad = [(name, body, content_type) for name, (body, content_type) in bad_bodies().items()]
    good_count = int(REQUESTS * GOOD_SHARE)
    chosen = [good[i % len(good)] for i in range(good_count)] + [
        bad[i % len(bad)] for i in range(REQUESTS - good_count)
    ]
    random.Random(16).shuffle(chosen)
    return chosen


def post(client: httpx.Client, url: str, body: bytes, content_type: str) -> httpx.Response:
    return client.post(url, content=body, headers={"Content-Type": content_type})


def workers(torchserve) -> list[tuple[str, int, str]]:
    described = httpx.get(
        f"{torchserve.management_url}/models/{torchserve.model_name}",
        headers=torchserve.management_headers(),
        timeout=10,
    ).json()[0]
    return sorted((worker["id"], worker["pid"], worker["startTime"]) for worker in described["workers"])


def test_200_mixed_requests_at_concurrency_16_are_all_answered_right(proxy, torchserve):
    url = proxy.url + "/api/predict"
    requests = mixed_requests()
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    with httpx.Client(timeout=CLIENT_TIMEOUT_S, limits=limits) as client:
        alone = {}
        for name in GOOD_VIDEOS:
            response = post(client, url, (SHARED_VIDEOS_DIR / name).read_bytes(), "video/mp4")
            assert response.status_code == 200, response.text
            alone[name] = response.json()
        workers_before = workers(torchserve)
        with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
            responses = list(pool.map(lambda request: post(client, url, request[1], request[2]), requests))
    assert len(responses) == REQUESTS
    for (name, _, _), response in zip(requests, responses):
        if name in alone:
            assert response.status_code == 200, f"{name}: {response.status_code} {response.text}"
            assert_same_answer(response.json(), alone[name], name)
        else:
            assert 400 <= response.status_code < 500, f"{name}: {response.status_code} {response.text}"
            error = response.json()
            assert error["error"] and error["code"], f"{name}: {error}"
    assert workers(torchserve) == workers_before, "a worker restarted under load"


def assert_same_answer(answer: dict, alone: dict, name: str) -> None:
    assert_prediction_contract(answer)
    for field in SAME_FIELDS:
        assert answer[field] == alone[field], f"{name}: {field} {answer[field]} != {alone[field]}"
    assert answer["frames"]["indices"] == alone["frames"]["indices"], name
    assert answer["frames"]["timestamps_s"] == alone["frames"]["timestamps_s"], name
    assert abs(answer["probability"] - alone["probability"]) < PROBABILITY_TOLERANCE, name
    assert answer["frames"]["scores"] == pytest.approx(alone["frames"]["scores"], abs=PROBABILITY_TOLERANCE), name
