"""Temporal encoders: turn per-frame features (B, T, D) into one clip feature (B, D).

`mean` sees each frame alone and cannot tell a steady clip from one that flickers; the others
look at the order of frames. Each of those adds what it learns to (or, for the Transformer,
mixes it into) the frames' own features, so the clip feature stays in the space of the frame
features the shared head also scores one by one. They are trained and served at the same T
(the config's num_frames): the Transformer refuses any other T, the TCN and GRU accept one but
their answers are only meaningful at the T they were trained on.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn


class TemporalMeanPool(nn.Module):
    """Average over time: order-free, so a clip can be trained on few frames and served on many."""

    def __init__(self, feature_dim: int, num_frames: int):
        super().__init__()

    def forward(self, frame_features: Tensor) -> Tensor:
        return frame_features.mean(dim=1)


class TemporalConvNet(nn.Module):
    """Residual blocks of dilated 1-D convolutions over time (kernel 3, dilations 1 and 2: each
    step sees 7 neighbouring frames), then the mean over time. Edges repeat the end frames, so a
    steady clip gives the same response at every step."""

    def __init__(self, feature_dim: int, num_frames: int, hidden: int = 128, dropout: float = 0.1):
        super().__init__()
        self.blocks = nn.ModuleList(
            nn.Sequential(
                nn.Conv1d(
                    feature_dim, hidden, kernel_size=3, padding=dilation, dilation=dilation, padding_mode="replicate"
                ),
                nn.ReLU(inplace=True),
                nn.Dropout(dropout),
                nn.Conv1d(hidden, feature_dim, kernel_size=1),
            )
            for dilation in (1, 2)
        )

    def forward(self, frame_features: Tensor) -> Tensor:
        steps = frame_features.transpose(1, 2)  # (B, D, T): Conv1d runs over the last axis
        for block in self.blocks:
            steps = steps + block(steps)
        return steps.mean(dim=2)


class TemporalGRU(nn.Module):
    """A bidirectional GRU over the frames; its two final states, projected to D, are added to
    the mean frame feature."""

    def __init__(self, feature_dim: int, num_frames: int, hidden: int = 128):
        super().__init__()
        self.gru = nn.GRU(feature_dim, hidden, batch_first=True, bidirectional=True)
        self.project = nn.Linear(2 * hidden, feature_dim)

    def forward(self, frame_features: Tensor) -> Tensor:
        _, final_states = self.gru(frame_features)  # (2, B, hidden): forward and backward
        summary = torch.cat([final_states[0], final_states[1]], dim=-1)
        return frame_features.mean(dim=1) + self.project(summary)


class TemporalTransformer(nn.Module):
    """A 2-layer Transformer encoder (pre-norm) over the frames with learned positions, then the
    mean over time."""

    def __init__(
        self,
        feature_dim: int,
        num_frames: int,
        layers: int = 2,
        heads: int = 8,
        feedforward: int = 1024,
        dropout: float = 0.1,
    ):
        super().__init__()
        self.num_frames = num_frames
        self.positions = nn.Parameter(torch.zeros(1, num_frames, feature_dim))
        nn.init.trunc_normal_(self.positions, std=0.02)
        layer = nn.TransformerEncoderLayer(feature_dim, heads, feedforward, dropout, batch_first=True, norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)

    def forward(self, frame_features: Tensor) -> Tensor:
        if frame_features.shape[1] != self.num_frames:
            raise ValueError(
                f"this Transformer encoder was built for {self.num_frames} frames per clip, "
                f"got {frame_features.shape[1]}"
            )
        return self.encoder(frame_features + self.positions).mean(dim=1)


TEMPORAL_ENCODERS = {
    "mean": TemporalMeanPool,
    "tcn": TemporalConvNet,
    "gru": TemporalGRU,
    "transformer": TemporalTransformer,
}


def build_temporal_encoder(kind: str, feature_dim: int, num_frames: int) -> nn.Module:
    """Build the encoder named in the model config; unknown names fail loudly."""
    if kind not in TEMPORAL_ENCODERS:
        raise ValueError(f"unknown temporal encoder {kind!r}; choose from {sorted(TEMPORAL_ENCODERS)}")
    return TEMPORAL_ENCODERS[kind](feature_dim=feature_dim, num_frames=num_frames)
