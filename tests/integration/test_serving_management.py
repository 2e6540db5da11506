"""The management API of the served model: listing, describe, and the write API kept off."""

from __future__ import annotations

import httpx


def test_models_lists_deepfake_with_a_ready_worker(torchserve):
    listed = httpx.get(
        f"{torchserve.management_url}/models", headers=torchserve.management_headers(), timeout=10
    ).json()
    assert [model["modelName"] for model in listed["models"]] == ["deepfake"]
    described = httpx.get(
        f"{torchserve.management_url}/models/deepfake", headers=torchserve.management_headers(), timeout=10
    ).json()[0]
    assert described["modelVersion"] == "1.0"
    statuses = [worker["status"] for worker in described["workers"]]
    assert statuses and set(statuses) == {"READY"}, statuses


def test_config_properties_batching_applies(torchserve):
    described = httpx.get(
        f"{torchserve.management_url}/models/deepfake", headers=torchserve.management_headers(), timeout=10
    ).json()[0]
    assert described["batchSize"] > 1 and described["maxBatchDelay"] > 0


def test_customized_describe_gives_checkpoint_metadata(torchserve):
    described = httpx.get(
        f"{torchserve.management_url}/models/deepfake?customized=true",
        headers=torchserve.management_headers(),
        timeout=30,
    ).json()[0]
    model = described["customizedMetadata"]["model"]
    assert model["num_frames"] == 16 and model["image_size"] == 224
    assert model["classes"] == ["real", "fake"] and model["threshold"] == 0.5


def test_registering_a_model_from_a_url_is_refused(torchserve):
    response = httpx.post(
        f"{torchserve.management_url}/models",
        params={"url": "https://example.com/evil.mar"},
        headers=torchserve.management_headers(),
        timeout=10,
    )
    assert response.status_code == 405
    assert [
        m["modelName"]
        for m in httpx.get(
            f"{torchserve.management_url}/models", headers=torchserve.management_headers(), timeout=10
        ).json()["models"]
    ] == ["deepfake"]


def worker_count(torchserve) -> int:
    described = httpx.get(
        f"{torchserve.management_url}/models/deepfake", headers=torchserve.management_headers(), timeout=10
    )
    return len(described.json()[0]["workers"])


def test_scaling_the_workers_needs_the_management_key(torchserve):
    """Finding 4: any local process, or a page rebinding its DNS name (any Host), could scale or stop the workers."""
    before = worker_count(torchserve)
    scale = f"{torchserve.management_url}/models/deepfake?min_worker={before}&max_worker={before}&synchronous=true"
    for headers in ({}, {"Host": "evil.example"}, torchserve.inference_headers()):
        refused = httpx.put(scale, headers=headers, timeout=30)
        assert refused.status_code == 400 and refused.json()["type"] == "InvalidKeyException", refused.text
    assert worker_count(torchserve) == before
