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
    kept: list[int]  # index in the input list of each scored file
    skipped: list[tuple[str, str]]  # (path, reason)


def forward_clips(detector: DeepfakeDetector, clips: list[torch.Tensor], bf16: bool) -> tuple[np.ndarray, np.ndarray]:
    """(T, 3, S, S) clips -> (logits (B,), pooled features (B, D)) from model.inference.score_clips."""
    scores = score_clips(detector, clips, bf16=bf16)
    return np.array([s.logit for s in scores]), np.stack([s.clip_feature for s in scores])


def score_frame_clips(
    detector: DeepfakeDetector, clips: list[list[np.ndarray]], config: ModelConfig, bf16: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Clips given as RGB frames in memory (e.g. generated probes): preprocessed as served."""
    logits, features = [], []
    for start in range(0, len(clips), CLIPS_PER_FORWARD):
        tensors = [preprocess_clip(frames, config).tensor for frames in clips[start : start + CLIPS_PER_FORWARD]]
        chunk_logits, chunk_features = forward_clips(detector, tensors, bf16)
        logits.append(chunk_logits)
        features.append(chunk_features)
    return np.concatenate(logits), np.concatenate(features)


def score_files(
    detector: DeepfakeDetector,
    paths: list[Path],
    config: ModelConfig,
    bf16: bool,
    desc: str = "scoring videos",
    progress: bool = True,
) -> FileScores:
    detector.eval()
    logits, features, kept, skipped = [], [], [], []
    pending: list[tuple[int, torch.Tensor]] = []

    def flush() -> None:
        chunk_logits, chunk_features = forward_clips(detector, [tensor for _, tensor in pending], bf16)
        logits.append(chunk_logits)
        features.append(chunk_features)
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
        kept,
        skipped,
    )
