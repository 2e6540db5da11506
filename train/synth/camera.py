"""What a camera and an upload do to every clip, real or fake alike: exposure drift, sensor noise,
and (in encode.py) lossy H.264 compression. Real and fake clips of a pair share these exactly,
so the only difference between them is the manipulation."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class CameraEffects:
    exposure_drift: float  # peak relative gain change over the clip
    noise_sigma: float  # grey levels
    crf: int  # H.264 constant rate factor used when encoding

    def describe(self) -> dict:
        return {"exposure_drift": self.exposure_drift, "noise_sigma": self.noise_sigma, "crf": self.crf}


def random_camera_effects(rng: np.random.Generator) -> CameraEffects:
    return CameraEffects(
        exposure_drift=float(rng.uniform(0.0, 0.05)),
        noise_sigma=float(rng.uniform(1.0, 4.0)),
        crf=int(rng.integers(18, 29)),
    )


def apply_camera(frame: np.ndarray, effects: CameraEffects, t: float, noise: np.ndarray) -> np.ndarray:
    """`noise` is a standard-normal field of the frame's shape, drawn once per pair and frame."""
    gain = 1 + effects.exposure_drift * np.sin(2 * np.pi * t)
    shot = frame.astype(np.float32) * gain + effects.noise_sigma * noise
    return np.clip(shot + 0.5, 0, 255).astype(np.uint8)
