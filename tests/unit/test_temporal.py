"""Temporal encoders: shapes, order, the T they were built for, checkpoints, and what each can learn."""

import pytest
import torch
from torch import nn

from model.checkpoint import load_detector, read_checkpoint, save_checkpoint
from model.config import ModelConfig
from model.network import FEATURE_DIM, build_detector
from model.temporal import TEMPORAL_ENCODERS, build_temporal_encoder

ORDERED = ("tcn", "gru", "transformer")
FRAMES = 8


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """Tiny tensors: on 2 shared cores a second thread only spins (measured 30x slower)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.mark.parametrize("kind", TEMPORAL_ENCODERS)
def test_encoders_map_frame_features_to_one_clip_feature(kind):
    encoder = build_temporal_encoder(kind, FEATURE_DIM, FRAMES).eval()
    with torch.inference_mode():
        clip_features = encoder(torch.randn(3, FRAMES, FEATURE_DIM))
    assert clip_features.shape == (3, FEATURE_DIM)
    assert torch.isfinite(clip_features).all()


@pytest.mark.parametrize("kind", TEMPORAL_ENCODERS)
def test_batched_clips_equal_clips_one_at_a_time(kind):
    encoder = build_temporal_encoder(kind, FEATURE_DIM, FRAMES).eval()
    features = torch.randn(3, FRAMES, FEATURE_DIM)
    with torch.inference_mode():
        together = encoder(features)
        apart = torch.cat([encoder(features[i : i + 1]) for i in range(3)])
    assert torch.allclose(together, apart, atol=1e-4)


@pytest.mark.parametrize("kind", ORDERED)
def test_ordered_encoders_see_the_order_of_frames(kind):
    encoder = build_temporal_encoder(kind, FEATURE_DIM, FRAMES).eval()
    features = torch.randn(1, FRAMES, FEATURE_DIM)
    with torch.inference_mode():
        assert not torch.allclose(encoder(features), encoder(features.flip(1)), atol=1e-4)


def test_transformer_refuses_a_clip_length_it_was_not_built_for():
    encoder = build_temporal_encoder("transformer", FEATURE_DIM, FRAMES)
    with pytest.raises(ValueError, match=f"built for {FRAMES} frames"):
        encoder(torch.randn(1, FRAMES + 1, FEATURE_DIM))


def test_an_unknown_temporal_encoder_in_a_config_is_refused():
    values = ModelConfig().to_dict() | {"temporal": "lstm"}
    with pytest.raises(ValueError, match="unsupported temporal encoder 'lstm'"):
        ModelConfig.from_dict(values)


@pytest.mark.parametrize("kind", ORDERED)
def test_the_checkpoint_records_the_encoder_and_rebuilds_it_exactly(kind, tmp_path):
    torch.manual_seed(0)
    config = ModelConfig(temporal=kind, num_frames=4, image_size=32)
    detector = build_detector(config).eval()
    path = tmp_path / "model.pth"
    save_checkpoint(path, detector, config)
    assert read_checkpoint(path)["config"]["temporal"] == kind
    loaded, loaded_config, _ = load_detector(path)
    assert loaded_config == config and type(loaded.temporal_encoder) is TEMPORAL_ENCODERS[kind]
    clips = torch.randn(2, 4, 3, 32, 32)
    with torch.inference_mode():
        assert torch.allclose(loaded(clips).clip_logits, detector(clips).clip_logits, atol=1e-5)


def flicker_features(count: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """Pairs of clips with the same per-frame features in a different order: steady (sorted, a
    slow drift) vs flickering (alternating high/low). Same frames, so the same mean."""
    levels = torch.randn(count, FRAMES, 1, generator=generator).abs().sort(dim=1).values
    direction = torch.randn(count, 1, 16, generator=generator)
    steady = levels * direction
    order = torch.tensor([i // 2 if i % 2 == 0 else FRAMES - 1 - i // 2 for i in range(FRAMES)])
    flickering = steady[:, order]
    features = torch.cat([steady, flickering])
    labels = torch.cat([torch.zeros(count), torch.ones(count)])
    return features, labels


@pytest.mark.parametrize("kind", TEMPORAL_ENCODERS)
def test_only_ordered_encoders_tell_flicker_from_a_steady_clip_with_the_same_frames(kind):
    torch.manual_seed(0)
    generator = torch.Generator().manual_seed(0)
    model = nn.Sequential(build_temporal_encoder(kind, 16, FRAMES), nn.Linear(16, 1))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(100):
        features, labels = flicker_features(32, generator)  # fresh clips each step: no memorising
        loss = nn.functional.binary_cross_entropy_with_logits(model(features).squeeze(-1), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    model.eval()
    test_features, test_labels = flicker_features(64, generator)
    with torch.inference_mode():
        accuracy = ((model(test_features).squeeze(-1) > 0).float() == test_labels).float().mean().item()
    if kind == "mean":
        assert accuracy == pytest.approx(0.5)  # identical frames, identical mean: a coin toss at best
    else:
        assert accuracy >= 0.9
