"""Checkpoint round trip and refusal of files that are not ours."""

import pytest
import torch

from model.checkpoint import CheckpointError, load_detector, read_checkpoint, save_checkpoint
from model.config import ModelConfig
from model.network import build_detector


@pytest.fixture
def small_config():
    return ModelConfig(num_frames=4, image_size=32)


def test_round_trip_keeps_weights_and_metadata(tmp_path, small_config):
    detector = build_detector(small_config).eval()
    path = tmp_path / "model.pth"
    save_checkpoint(
        path, detector, small_config, threshold=0.42, metrics={"val_auc": 0.9}, data={"clips": 3}, version="2.1"
    )
    assert torch.load(path, weights_only=True)["version"] == "2.1"  # plain, safe-to-load dict
    loaded, config, metadata = load_detector(path)
    assert config == small_config
    assert metadata["threshold"] == 0.42 and metadata["metrics"] == {"val_auc": 0.9}
    assert metadata["classes"] == ["real", "fake"] and metadata["created"]
    clips = torch.randn(2, 4, 3, 32, 32)
    with torch.inference_mode():
        assert torch.allclose(detector(clips).clip_logits, loaded(clips).clip_logits)


def test_file_that_is_not_a_checkpoint_is_refused(tmp_path):
    path = tmp_path / "junk.pth"
    path.write_bytes(b"not a torch file")
    with pytest.raises(CheckpointError, match="not a loadable checkpoint"):
        read_checkpoint(path)


def test_missing_keys_are_refused(tmp_path, small_config):
    path = tmp_path / "partial.pth"
    torch.save({"state_dict": build_detector(small_config).state_dict()}, path)
    with pytest.raises(CheckpointError, match="missing checkpoint keys"):
        read_checkpoint(path)


def test_other_architecture_is_refused(tmp_path, small_config):
    path = tmp_path / "other.pth"
    checkpoint = save_checkpoint(path, build_detector(small_config), small_config)
    checkpoint["config"]["arch"] = "vit_b_16"
    torch.save(checkpoint, path)
    with pytest.raises(CheckpointError, match="unsupported architecture"):
        read_checkpoint(path)


def test_weights_of_another_shape_are_refused_not_half_loaded(tmp_path, small_config):
    path = tmp_path / "bad-weights.pth"
    checkpoint = save_checkpoint(path, build_detector(small_config), small_config)
    checkpoint["state_dict"]["head.layers.0.weight"] = torch.zeros(3, 3)
    torch.save(checkpoint, path)
    with pytest.raises(CheckpointError, match="weights do not fit"):
        load_detector(path)


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CheckpointError, match="not found"):
        read_checkpoint(tmp_path / "nope.pth")


def test_decision_keys_are_stored_loadable_safely_and_set_the_threshold(tmp_path, small_config):
    import numpy as np

    from model.in_distribution import fit_in_distribution
    from model.verdict import DecisionRule

    features, labels = np.random.default_rng(0).normal(size=(50, 512)), np.arange(50) % 2
    decision = {
        "calibration": {"method": "temperature", "temperature": 2.0, "isotonic": None, "ece_before": 0.2},
        "operating_point": {"threshold": 0.8, "uncertain_band": [0.7, 0.9], "heldout": {"tpr": 0.9}},
        "in_distribution": fit_in_distribution(features, labels, features, None, coverage=0.99),
    }
    path = tmp_path / "decided.pth"
    save_checkpoint(path, build_detector(small_config), small_config, decision=decision)
    _, _, metadata = load_detector(path)  # torch.load(weights_only=True) inside
    assert metadata["threshold"] == 0.8 and metadata["operating_point"]["uncertain_band"] == [0.7, 0.9]
    rule = DecisionRule.from_checkpoint(metadata)
    assert rule.decide(0.0, features[0]).in_distribution["available"]
    with pytest.raises(ValueError, match="unknown decision keys"):
        save_checkpoint(path, build_detector(small_config), small_config, decision={"verdicts": {}})


def test_checkpoint_without_decision_keys_says_the_check_is_unavailable(tmp_path, small_config):
    from model.verdict import DecisionRule

    path = tmp_path / "old.pth"
    save_checkpoint(path, build_detector(small_config), small_config, threshold=0.5)
    _, _, metadata = load_detector(path)
    assert not {"calibration", "operating_point", "in_distribution"} & set(metadata)
    assert DecisionRule.from_checkpoint(metadata).decide(2.0).in_distribution["available"] is False
