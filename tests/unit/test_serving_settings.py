"""Handler settings: limits from the environment, torch threads from the configured workers."""

from __future__ import annotations

import json

import pytest

from serving.settings import configured_workers, read_settings


def write_config(tmp_path, models: dict) -> str:
    path = tmp_path / "config.properties"
    path.write_text("# comment\ninference_address=http://127.0.0.1:8080\nmodels=" + json.dumps(models) + "\n")
    return str(path)


def test_workers_come_from_the_models_entry(tmp_path):
    config = write_config(tmp_path, {"deepfake": {"1.0": {"minWorkers": 2, "maxWorkers": 2}}})
    assert configured_workers("deepfake", config) == 2
    assert configured_workers("other", config) is None
    assert configured_workers("deepfake", str(tmp_path / "missing")) is None


def test_threads_split_the_cores_between_workers(tmp_path, monkeypatch):
    monkeypatch.setenv("TS_CONFIG_FILE", write_config(tmp_path, {"deepfake": {"1.0": {"maxWorkers": 2}}}))
    monkeypatch.delenv("DEEPFAKE_WORKERS", raising=False)
    monkeypatch.delenv("DEEPFAKE_TORCH_THREADS", raising=False)
    assert read_settings().threads(cores=2) == 1
    assert read_settings().threads(cores=8) == 4
    monkeypatch.setenv("DEEPFAKE_TORCH_THREADS", "3")
    assert read_settings().threads(cores=2) == 3


def test_limits_from_the_environment(monkeypatch):
    monkeypatch.setenv("DEEPFAKE_MAX_DURATION_S", "60")
    monkeypatch.setenv("DEEPFAKE_MAX_PIXELS", "1000")
    settings = read_settings()
    assert settings.limits.max_duration_s == 60.0 and settings.limits.max_pixels_per_frame == 1000


def test_a_bad_value_names_the_variable(monkeypatch):
    monkeypatch.setenv("DEEPFAKE_MAX_PIXELS", "lots")
    with pytest.raises(ValueError, match="DEEPFAKE_MAX_PIXELS"):
        read_settings()
