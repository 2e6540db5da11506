"""Temporal encoders: turn per-frame features (B, T, D) into one clip feature (B, D)."""

from __future__ import annotations

from torch import Tensor, nn


class TemporalMeanPool(nn.Module):
    """Average over time: order-free, so a clip can be trained on few frames and served on many."""

    def forward(self, frame_features: Tensor) -> Tensor:
        return frame_features.mean(dim=1)


TEMPORAL_ENCODERS = {"mean": TemporalMeanPool}


def build_temporal_encoder(kind: str, feature_dim: int, num_frames: int) -> nn.Module:
    """Build the encoder named in the model config; unknown names fail loudly."""
    if kind not in TEMPORAL_ENCODERS:
        raise ValueError(f"unknown temporal encoder {kind!r}; choose from {sorted(TEMPORAL_ENCODERS)}")
    encoder_class = TEMPORAL_ENCODERS[kind]
    if encoder_class is TemporalMeanPool:
        return encoder_class()
    return encoder_class(feature_dim=feature_dim, num_frames=num_frames)
