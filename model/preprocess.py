"""The single definition of what the network sees: (face crop) + resize + ImageNet normalisation.

Frames are RGB uint8 arrays (H, W, 3); the result is float32 (T, 3, S, S). Without the face
crop, frames are resized to a square S x S (not cropped) so nothing near the edges, where a face
may be, is lost. With `config.face_crop`, each frame is first cut to a square around its main
face (model/faces.py), or kept whole where no face is found; which one is reported per frame.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np
import torch

from model.config import ModelConfig
from model.faces import FaceCrop, crop_frame, locate_face_crops


def resize_frame(frame: np.ndarray, size: int) -> np.ndarray:
    """Area interpolation when shrinking (keeps fine artifacts honest), linear when enlarging."""
    height, width = frame.shape[:2]
    if (height, width) == (size, size):
        return frame
    shrinking = height * width > size * size
    return cv2.resize(frame, (size, size), interpolation=cv2.INTER_AREA if shrinking else cv2.INTER_LINEAR)


def resize_frames(frames: Sequence[np.ndarray], size: int) -> np.ndarray:
    """(T, S, S, 3) uint8: the compact form training caches on disk."""
    return np.stack([resize_frame(np.ascontiguousarray(frame), size) for frame in frames])


def normalize_clip(clip: np.ndarray | torch.Tensor, mean: Sequence[float], std: Sequence[float]) -> torch.Tensor:
    """(T, S, S, 3) uint8 -> (T, 3, S, S) float32 normalised."""
    tensor = torch.as_tensor(clip).permute(0, 3, 1, 2).float().div_(255.0)
    mean_t = torch.tensor(mean, dtype=torch.float32).view(1, 3, 1, 1)
    std_t = torch.tensor(std, dtype=torch.float32).view(1, 3, 1, 1)
    return tensor.sub_(mean_t).div_(std_t)


@dataclass(frozen=True)
class ClipPixels:
    pixels: np.ndarray  # (T, S, S, 3) uint8: what the network sees, before normalisation
    faces: list[FaceCrop] | None  # per frame with config.face_crop, else None


@dataclass(frozen=True)
class PreprocessedClip:
    tensor: torch.Tensor  # (T, 3, S, S) float32, normalised
    faces: list[FaceCrop] | None

    def describe_faces(self) -> list[dict] | None:
        return None if self.faces is None else [face.to_dict() for face in self.faces]


def crop_and_resize(frames: Sequence[np.ndarray], config: ModelConfig) -> ClipPixels:
    """RGB uint8 frames of one clip, in time order -> (face crop) + resize: preprocess_clip's first
    half, what training caches."""
    if len(frames) == 0:
        raise ValueError("no frames to preprocess")
    if not config.face_crop:
        return ClipPixels(resize_frames(frames, config.image_size), None)
    faces = locate_face_crops(frames)
    crops = [crop_frame(frame, face) for frame, face in zip(frames, faces)]
    return ClipPixels(resize_frames(crops, config.image_size), faces)


def preprocess_clip(frames: Sequence[np.ndarray], config: ModelConfig) -> PreprocessedClip:
    """RGB uint8 frames -> the (T, 3, S, S) tensor the network takes, and the face crops used:
    crop_and_resize, then normalize_clip."""
    pixels = crop_and_resize(frames, config)
    return PreprocessedClip(normalize_clip(pixels.pixels, config.mean, config.std), pixels.faces)
