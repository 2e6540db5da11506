"""The single definition of what the network sees: resize + ImageNet normalisation.

Frames are RGB uint8 arrays (H, W, 3); the result is float32 (T, 3, S, S). Frames are resized
to a square S x S (not cropped) so nothing near the edges, where a face may be, is lost.
"""

from __future__ import annotations

from typing import Sequence

import cv2
import numpy as np
import torch

from .config import ModelConfig


def resize_frame(frame: np.ndarray, size: int) -> np.ndarray:
    """Area interpolation when shrinking (keeps fine artifacts honest), linear when enlarging."""
    height, width = frame.shape[:2]
    if (height, width) == (size, size):
        return frame
    shrinking = height * width > size * size
    return cv2.resize(frame, (size, size), interpolation=cv2.INTER_AREA if shrinking else cv2.INTER_LINEAR)


def frames_to_uint8_clip(frames: Sequence[np.ndarray], size: int) -> np.ndarray:
    """(T, S, S, 3) uint8: the compact form training caches on disk."""
    return np.stack([resize_frame(np.ascontiguousarray(frame), size) for frame in frames])


def normalize_clip(clip: np.ndarray | torch.Tensor, mean: Sequence[float], std: Sequence[float]) -> torch.Tensor:
    """(T, S, S, 3) uint8 -> (T, 3, S, S) float32 normalised."""
    tensor = torch.as_tensor(clip).permute(0, 3, 1, 2).float().div_(255.0)
    mean_t = torch.tensor(mean, dtype=torch.float32).view(1, 3, 1, 1)
    std_t = torch.tensor(std, dtype=torch.float32).view(1, 3, 1, 1)
    return tensor.sub_(mean_t).div_(std_t)


def preprocess_frames(frames: Sequence[np.ndarray], config: ModelConfig) -> torch.Tensor:
    """RGB uint8 frames -> the (T, 3, S, S) tensor the network takes."""
    if len(frames) == 0:
        raise ValueError("no frames to preprocess")
    return normalize_clip(frames_to_uint8_clip(frames, config.image_size), config.mean, config.std)
