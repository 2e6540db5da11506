"""Network shapes, batched frames, temporal pooling choice and backbone weight loading."""

import pytest
import torch
from torchvision.models import resnet18

from model.config import ModelConfig
from model.network import build_detector
from model.pretrained import IMAGENET, PretrainedWeightsError, load_backbone_weights, torchvision_cache_path
from model.temporal import build_temporal_encoder


def test_clip_and_frame_logits_shapes():
    detector = build_detector(ModelConfig(num_frames=3, image_size=32)).eval()
    with torch.inference_mode():
        output = detector(torch.randn(2, 3, 3, 32, 32))
    assert output.clip_logits.shape == (2,)
    assert output.frame_logits.shape == (2, 3)


def test_mean_pooling_ignores_frame_order():
    detector = build_detector(ModelConfig(num_frames=4, image_size=32)).eval()
    clip = torch.randn(1, 4, 3, 32, 32)
    with torch.inference_mode():
        forward = detector(clip).clip_logits
        backward = detector(clip.flip(1)).clip_logits
    assert torch.allclose(forward, backward, atol=1e-5)


def test_batched_forward_equals_one_clip_at_a_time():
    detector = build_detector(ModelConfig(num_frames=2, image_size=32)).eval()
    clips = torch.randn(3, 2, 3, 32, 32)
    with torch.inference_mode():
        together = detector(clips).clip_logits
        apart = torch.cat([detector(clips[i : i + 1]).clip_logits for i in range(3)])
    assert torch.allclose(together, apart, atol=1e-5)


def test_unknown_temporal_encoder_is_refused():
    with pytest.raises(ValueError, match="unknown temporal encoder"):
        build_temporal_encoder("lstm-9000", 512, 16)


def test_pretrained_torchvision_state_dict_is_loaded(tmp_path):
    reference = resnet18(weights=None)
    path = tmp_path / "resnet18.pth"
    torch.save(reference.state_dict(), path)
    detector = build_detector(ModelConfig())
    load_backbone_weights(detector.backbone, path)
    assert torch.equal(detector.backbone.conv1.weight, reference.conv1.weight)


def test_wrong_pretrained_file_is_refused(tmp_path):
    path = tmp_path / "other.pth"
    torch.save({"weight": torch.zeros(2)}, path)
    with pytest.raises(PretrainedWeightsError, match="not a torchvision resnet18"):
        load_backbone_weights(build_detector(ModelConfig()).backbone, path)


def test_imagenet_weights_missing_from_cache_fail_clearly(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))  # an empty torch cache: nothing downloads
    assert not torchvision_cache_path().exists()
    with pytest.raises(PretrainedWeightsError, match="never downloads"):
        load_backbone_weights(build_detector(ModelConfig()).backbone, IMAGENET)


def test_imagenet_weights_are_read_from_the_torch_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    reference = resnet18(weights=None)
    cached = torchvision_cache_path()
    cached.parent.mkdir(parents=True)
    torch.save(reference.state_dict(), cached)
    detector = build_detector(ModelConfig())
    load_backbone_weights(detector.backbone, IMAGENET)
    assert torch.equal(detector.backbone.layer4[1].conv2.weight, reference.layer4[1].conv2.weight)
