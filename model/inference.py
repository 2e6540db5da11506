"""The one scoring function: preprocessed clips -> P(fake) per clip and per frame.

Serving, training validation, the robustness evaluation, the offline explanation and the
benchmarks all call `score_clips`, so a figure measured anywhere is a figure of the served path.
The frames of every clip go through the backbone together (in bounded chunks), then each clip is
pooled and classified on its own frames. bf16 autocast (where model.precision.uses_bf16 says)
covers the backbone only; the temporal encoder and head run in fp32. Measured P(fake) drift of
bf16 against fp32 is under 0.001 on the shared videos (bench/README.md).
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
    probability: float  # P(fake) of the pooled clip (the sigmoid, before calibration)
    frame_probabilities: list[float]  # the head applied to each frame alone
    logit: float | None = None  # the clip logit: what model.verdict calibrates and decides on
    clip_feature: np.ndarray | None = None  # (D,) float32 pooled clip feature: the in-distribution check's input
    texture: float | None = None  # model.in_distribution.texture_of the clip's input: the flat-input gate's


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
    frames = torch.cat(clips).to(device).contiguous(memory_format=torch.channels_last)
    autocast = torch.autocast(torch.device(device).type, dtype=torch.bfloat16, enabled=bf16)
    with torch.inference_mode():
        with autocast:  # the backbone only: the head stays fp32, so probabilities keep their digits
            features = torch.cat([detector.embed_frames(chunk) for chunk in frames.split(chunk_frames)])
        output = detector.classify(features.float().view(len(clips), clips[0].shape[0], -1))
    clip_probabilities = probabilities(output.clip_logits).tolist()
    frame_probabilities = probabilities(output.frame_logits).tolist()
    logits = output.clip_logits.float().tolist()
    clip_features = output.clip_features.float().cpu().numpy()
    return [
        ClipScore(p, frames_p, logit, feature, texture)
        for p, frames_p, logit, feature, texture in zip(
            clip_probabilities, frame_probabilities, logits, clip_features, textures
        )
    ]


def score_pixel_clips(
    detector: DeepfakeDetector, pixels: list[np.ndarray], config: ModelConfig, bf16: bool = False
) -> list[ClipScore]:
    """(T, S, S, 3) uint8 clips, cropped and resized as preprocess_clip does (what training caches):
    normalised as preprocess_clip does, then scored by score_clips."""
    stacked = np.stack(pixels)
    frames = normalize_clip(stacked.reshape(-1, *stacked.shape[2:]), config.mean, config.std)
    return score_clips(detector, list(frames.view(*stacked.shape[:2], *frames.shape[1:])), bf16=bf16)
