"""The two scripts a pod runs: the config merge (stack/pod_config.py) and the probe's reading of
TorchServe's answers and key file (stack/probe.py)."""

from __future__ import annotations

import json

from stack.pod_config import merge_properties, properties
from stack.probe import management_key, not_ready_reason


def test_overrides_replace_keys_in_place_once_and_new_keys_are_appended():
    base = "# comment a=b\ninference_address=http://127.0.0.1:8080\nmodel_store=model_store\nmodel_store=again\nmax=1\n"
    merged = merge_properties(
        base, "# why\ninference_address=http://0.0.0.0:8080\nmodel_store=/app/model_store\ntoken_expiration_min=60\n"
    )
    lines = merged.splitlines()
    assert lines[:4] == [
        "# comment a=b",
        "inference_address=http://0.0.0.0:8080",
        "model_store=/app/model_store",
        "max=1",
    ]
    assert lines[-1] == "token_expiration_min=60"
    assert properties(merged) == {
        "inference_address": "http://0.0.0.0:8080",
        "model_store": "/app/model_store",
        "max": "1",
        "token_expiration_min": "60",
    }


def test_values_with_equals_signs_survive_the_merge():
    models = 'models={"deepfake": {"1.0": {"marName": "deepfake.mar"}}}'
    merged = merge_properties(f"{models}\nvmargs=-Xmx1g\n", "vmargs=-XX:MaxRAMPercentage=50 -Da=b\n")
    assert properties(merged) == {"models": models.split("=", 1)[1], "vmargs": "-XX:MaxRAMPercentage=50 -Da=b"}


def test_ready_only_when_every_worker_is_ready():
    def described(*statuses: str) -> list[dict]:
        return [{"modelName": "deepfake", "workers": [{"status": status} for status in statuses]}]

    assert not_ready_reason(described("READY", "READY")) is None
    assert "not all READY" in not_ready_reason(described("READY", "UNLOADING"))
    assert not_ready_reason(described()) == "no worker yet"
    assert "unexpected" in not_ready_reason({"code": 404})


def test_the_management_key_comes_from_torchserves_key_file(tmp_path):
    key_file = tmp_path / "key_file.json"
    assert management_key(key_file) is None  # token auth off: no file, no key
    key_file.write_text(
        json.dumps(
            {
                "management": {"key": "m-key", "expiration time": "..."},
                "inference": {"key": "i-key"},
                "API": {"key": "a"},
            }
        )
    )
    assert management_key(key_file) == "m-key"
