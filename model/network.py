"""The detector network: ResNet18 on every frame, a temporal encoder, and a 1-logit head."""

from __future__ import annotations

from typing import NamedTuple

import torch
from torch import Tensor, nn
from torchvision.models import resnet18

from model.config import ModelConfig
from model.temporal import build_temporal_encoder

FEATURE_DIM = 512  # ResNet18's pooled feature size


class DetectorOutput(NamedTuple):
    clip_logits: Tensor  # (B,) "fake" logit of each clip
    frame_logits: Tensor  # (B, T) the head applied to each frame alone: temporal evidence
    clip_features: Tensor  # (B, D) the pooled clip feature the head scores (in-distribution check)


def build_frame_backbone() -> nn.Module:
    """ResNet18 without its ImageNet classifier: (N, 3, H, W) -> (N, 512). Random init."""
    backbone = resnet18(weights=None)
    backbone.fc = nn.Identity()
    return backbone


class ClassifierHead(nn.Module):
    def __init__(self, feature_dim: int = FEATURE_DIM, dropout: float = 0.3):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Linear(feature_dim, feature_dim),
            nn.ReLU(inplace=True),
            nn.Dropout(dropout),
            nn.Linear(feature_dim, 1),
        )

    def forward(self, features: Tensor) -> Tensor:
        return self.layers(features).squeeze(-1)


class DeepfakeDetector(nn.Module):
    """Clips (B, T, 3, H, W) -> DetectorOutput. Frames of all clips go through one batched forward."""

    def __init__(self, temporal: str = "mean", num_frames: int = 16, dropout: float = 0.3):
        super().__init__()
        self.backbone = build_frame_backbone()
        self.temporal_encoder = build_temporal_encoder(temporal, FEATURE_DIM, num_frames)
        self.head = ClassifierHead(FEATURE_DIM, dropout)

    def embed_frames(self, frames: Tensor) -> Tensor:
        """(N, 3, H, W) -> (N, 512): callers may chunk N to bound memory."""
        return self.backbone(frames)

    def classify(self, frame_features: Tensor) -> DetectorOutput:
        """(B, T, 512) per-frame features -> clip and per-frame logits."""
        clip_features = self.temporal_encoder(frame_features)
        return DetectorOutput(self.head(clip_features), self.head(frame_features), clip_features)

    def forward(self, clips: Tensor) -> DetectorOutput:
        batch, time = clips.shape[:2]
        features = self.embed_frames(clips.flatten(0, 1))
        return self.classify(features.view(batch, time, -1))


def build_detector(config: ModelConfig) -> DeepfakeDetector:
    return DeepfakeDetector(temporal=config.temporal, num_frames=config.num_frames, dropout=config.dropout)


def probabilities(logits: Tensor) -> Tensor:
    """P(fake) from logits, in float32 whatever precision the forward ran in."""
    return torch.sigmoid(logits.float())
