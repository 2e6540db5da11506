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
