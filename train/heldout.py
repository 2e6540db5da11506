"""Score video files exactly as serving does: model.frames.sample_video on the file,
model.preprocess.preprocess_clip, then model.inference.score_clips. Returns each clip's logit and
pooled feature: what calibration, the operating point and the in-distribution check are fitted on.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from model.config import ModelConfig
from model.errors import VideoInputError
from model.frames import sample_video
from model.inference import score_clips
from model.network import DeepfakeDetector
from model.preprocess import preprocess_clip

CLIPS_PER_FORWARD = 4


@dataclass
class FileScores:
    logits: np.ndarray  # (N,) of the files that decoded
    features: np.ndarray  # (N, D)
    textures: np.ndarray  # (N,) model.in_distribution.texture_of each clip's input
    kept: list[int]  # index in the input list of each scored file
    skipped: list[tuple[str, str]]  # (path, reason)


def forward_clips(detector: DeepfakeDetector, clips: list[torch.Tensor], bf16: bool) -> tuple:
    """(T, 3, S, S) clips -> (logits (B,), pooled features (B, D), textures (B,)) from
    model.inference.score_clips."""
    scores = score_clips(detector, clips, bf16=bf16)
    return (
        np.array([s.logit for s in scores]),
        np.stack([s.clip_feature for s in scores]),
        np.array([s.texture for s in scores]),
    )


def score_frame_clips(
    detector: DeepfakeDetector, clips: list[list[np.ndarray]], config: ModelConfig, bf16: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Clips given as RGB frames in memory (e.g. generated probes), preprocessed as served:
    (logits, pooled features, textures)."""
    parts = [
        forward_clips(detector, [preprocess_clip(f, config).tensor for f in clips[i : i + CLIPS_PER_FORWARD]], bf16)
        for i in range(0, len(clips), CLIPS_PER_FORWARD)
    ]
    return tuple(np.concatenate([part[k] for part in parts]) for k in range(3))


def score_files(
    detector: DeepfakeDetector,
    paths: list[Path],
    config: ModelConfig,
    bf16: bool,
    desc: str = "scoring videos",
    progress: bool = True,
) -> FileScores:
    detector.eval()
    logits, features, textures, kept, skipped = [], [], [], [], []
    pending: list[tuple[int, torch.Tensor]] = []

    def flush() -> None:
        chunk_logits, chunk_features, chunk_textures = forward_clips(detector, [t for _, t in pending], bf16)
        logits.append(chunk_logits)
        features.append(chunk_features)
        textures.append(chunk_textures)
        kept.extend(index for index, _ in pending)
        pending.clear()

    for index, path in enumerate(tqdm(paths, desc=desc, unit="video", disable=not progress)):
        try:
            sampled = sample_video(path, config.num_frames)
        except VideoInputError as error:
            skipped.append((str(path), f"{error.code}: {error.message}"))
            continue
        pending.append((index, preprocess_clip(sampled.frames, config).tensor))
        if len(pending) == CLIPS_PER_FORWARD:
            flush()
    if pending:
        flush()
    dimension = 512
    return FileScores(
        np.concatenate(logits) if logits else np.zeros(0),
        np.concatenate(features) if features else np.zeros((0, dimension)),
        np.concatenate(textures) if textures else np.zeros(0),
        kept,
        skipped,
    )
