"""Plainly foreign clips: what the in-distribution check must call unfamiliar. Used only to
compare the two in-distribution measures (never trained on, never used for a threshold)."""

from __future__ import annotations

import numpy as np

FLAT_COLOURS = ((0, 0, 0), (255, 255, 255), (128, 128, 128), (255, 0, 0), (0, 160, 0), (20, 40, 200), (240, 200, 40))


def flat_clip(colour: tuple[int, int, int], frames: int, size: int) -> list[np.ndarray]:
    return [np.full((size, size, 3), colour, np.uint8) for _ in range(frames)]


def foreign_clips(frames: int, size: int, seed: int = 0) -> list[list[np.ndarray]]:
    """Flat colours, uniform noise, and hard stripes: (frames x (size, size, 3) uint8) each."""
    rng = np.random.default_rng(seed)
    clips = [flat_clip(colour, frames, size) for colour in FLAT_COLOURS]
    clips += [[rng.integers(0, 256, (size, size, 3), dtype=np.uint8) for _ in range(frames)] for _ in range(3)]
    stripes = (np.indices((size, size)).sum(axis=0) // 2 % 2 * 255).astype(np.uint8)
    clips.append([np.repeat(stripes[..., None], 3, axis=2) for _ in range(frames)])
    return clips
