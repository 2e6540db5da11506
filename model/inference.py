"""The one scoring function: preprocessed clips -> P(fake) per clip and per frame.

Serving, training validation, the robustness evaluation, the offline explanation and the
benchmarks all call `score_clips`, so a figure measured anywhere is a figure of the served path.
The frames of every clip go through the backbone together (in bounded chunks), then each clip is
pooled and classified on its own frames. bf16 autocast (where model.precision.uses_bf16 says)
covers the backbone only; the temporal encoder and head run in fp32. Measured P(fake) drift of
bf16 against fp32 is under 0.001 on the shared videos (bench/README.md).

The two halves are public for the coverage mode (model/coverage.py), which embeds a long video's
frames chunk by chunk as they are decoded and then classifies overlapping windows of them:
`embed_frames` (backbone) and `classify_features` (temporal encoder + head). `score_clips` is
exactly the one after the other.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from model.config import ModelConfig
from model.in_distribution import texture_of
from model.network import DeepfakeDetector, probabilities
from model.preprocess import normalize_clip

DEFAULT_CHUNK_FRAMES = 64  # frames per backbone forward: bounds memory whatever the batch


@dataclass(frozen=True)
class ClipScore:
    """What the one forward gives about a clip. The scoring functions below fill every field; the
    defaults only let hand-made scores (tests) leave out what they do not need."""

    probability: float  # P(fake) of the pooled clip (the sigmoid, before calibration)
    frame_probabilities: list[float]  # the head applied to each frame alone
    logit: float | None = None  # the clip logit: what model.verdict calibrates and decides on
    clip_feature: np.ndarray | None = None  # (D,) float32 pooled clip feature: the in-distribution check's input
    texture: float | None = None  # model.in_distribution.texture_of the clip's input: the flat-input gate's
    frame_logits: list[float] | None = None  # each frame's logit (answers calibrate them like the clip's)


def embed_frames(
    detector: DeepfakeDetector,
    frames: torch.Tensor,
    chunk_frames: int = DEFAULT_CHUNK_FRAMES,
    device: torch.device | str = "cpu",
    bf16: bool = False,
) -> torch.Tensor:
    """(N, 3, S, S) normalised frames -> (N, D) float32 backbone features, `chunk_frames` per forward."""
    frames = frames.to(device).contiguous(memory_format=torch.channels_last)
    autocast = torch.autocast(torch.device(device).type, dtype=torch.bfloat16, enabled=bf16)
    with torch.inference_mode(), autocast:  # the backbone only: the head stays fp32
        return torch.cat([detector.embed_frames(chunk) for chunk in frames.split(chunk_frames)]).float()


def classify_features(
    detector: DeepfakeDetector, features: torch.Tensor, textures: list[float] | None = None
) -> list[ClipScore]:
    """(B, T, D) per-frame features of B clips -> one ClipScore per clip (temporal encoder + head, fp32).
    `textures`: each clip's input texture (model.in_distribution.texture_of), carried along."""
    with torch.inference_mode():
        output = detector.classify(features.float())
    clip_logits = output.clip_logits.float()
    frame_logits = output.frame_logits.float()
    clip_probabilities = probabilities(clip_logits).tolist()
    frame_probabilities = probabilities(frame_logits).tolist()
    clip_features = output.clip_features.float().cpu().numpy()
    textures = textures if textures is not None else [None] * len(clip_features)
    return [
        ClipScore(p, frames_p, logit, feature, texture, logits)
        for p, frames_p, logit, feature, texture, logits in zip(
            clip_probabilities,
            frame_probabilities,
            clip_logits.tolist(),
            clip_features,
            textures,
            frame_logits.tolist(),
        )
    ]


def score_clips(
    detector: DeepfakeDetector,
    clips: list[torch.Tensor],
    chunk_frames: int = DEFAULT_CHUNK_FRAMES,
    device: torch.device | str = "cpu",
    bf16: bool = False,
) -> list[ClipScore]:
    """clips: (T, 3, S, S) float tensors, all with the same T. One ClipScore per clip, same order."""
    if not clips:
        return []
    textures = [texture_of(clip) for clip in clips]
    features = embed_frames(detector, torch.cat(clips), chunk_frames, device, bf16)
    return classify_features(detector, features.view(len(clips), clips[0].shape[0], -1), textures)


def score_pixel_clips(
    detector: DeepfakeDetector, pixels: list[np.ndarray], config: ModelConfig, bf16: bool = False
) -> list[ClipScore]:
    """(T, S, S, 3) uint8 clips, cropped and resized as preprocess_clip does (what training caches):
    normalised as preprocess_clip does, then scored by score_clips."""
    stacked = np.stack(pixels)
    frames = normalize_clip(stacked.reshape(-1, *stacked.shape[2:]), config.mean, config.std)
    return score_clips(detector, list(frames.view(*stacked.shape[:2], *frames.shape[1:])), bf16=bf16)
