"""The management API of the served model: listing, describe, and the write API kept off."""

from __future__ import annotations

import httpx


def test_models_lists_deepfake_with_a_ready_worker(torchserve):
    listed = httpx.get(f"{torchserve.management_url}/models", timeout=10).json()
    assert [model["modelName"] for model in listed["models"]] == ["deepfake"]
    described = httpx.get(f"{torchserve.management_url}/models/deepfake", timeout=10).json()[0]
    assert described["modelVersion"] == "1.0"
    statuses = [worker["status"] for worker in described["workers"]]
    assert statuses and set(statuses) == {"READY"}, statuses


def test_config_properties_batching_applies(torchserve):
    described = httpx.get(f"{torchserve.management_url}/models/deepfake", timeout=10).json()[0]
    assert described["batchSize"] > 1 and described["maxBatchDelay"] > 0


def test_customized_describe_gives_checkpoint_metadata(torchserve):
    described = httpx.get(f"{torchserve.management_url}/models/deepfake?customized=true", timeout=30).json()[0]
    model = described["customizedMetadata"]["model"]
    assert model["num_frames"] == 16 and model["image_size"] == 224
    assert model["classes"] == ["real", "fake"] and model["threshold"] == 0.5


def test_registering_a_model_from_a_url_is_refused(torchserve):
    response = httpx.post(
        f"{torchserve.management_url}/models", params={"url": "https://example.com/evil.mar"}, timeout=10
    )
    assert response.status_code == 405
    assert [m["modelName"] for m in httpx.get(f"{torchserve.management_url}/models", timeout=10).json()["models"]] == [
        "deepfake"
    ]
