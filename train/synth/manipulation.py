"""A face-swap-like manipulation, as in self-blended-images (SBI) training: the region is
replaced by a slightly altered copy of itself (colour, sharpness and alignment mismatch) through
a soft, irregular elliptical mask, with small changes from frame to frame (flicker).

`strength` scales every mismatch: 1 is about SBI's subtlety, 0 leaves the frame unchanged.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import cv2
import numpy as np


@dataclass(frozen=True)
class Manipulation:
    strength: float
    colour_gain: tuple[float, float, float]  # per-channel gain of the blended copy
    brightness: float  # added grey levels
    sharpness: float  # > 0 blurs (Gaussian sigma), < 0 sharpens (unsharp amount)
    scale: float  # the copy is resized by this factor about the region's centre
    shift: tuple[float, float]  # and moved by these pixels (face-swap misalignment)
    mask_scale: tuple[float, float]  # mask ellipse half-axes relative to the region
    mask_wobble: tuple[float, ...]  # boundary irregularity: amplitudes of angular harmonics
    feather: float  # soft boundary width, relative to the mask radius
    opacity: float  # peak mask value
    flicker: float  # how much opacity, colour and position vary frame to frame

    def describe(self) -> dict:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(self).items()}


def random_manipulation(rng: np.random.Generator, strength: float) -> Manipulation:
    sharpen = rng.random() < 0.3
    return Manipulation(
        strength=float(strength),
        colour_gain=tuple(float(1 + strength * g) for g in rng.uniform(-0.04, 0.04, 3)),
        brightness=float(strength * rng.uniform(-5, 5)),
        sharpness=float(strength * (-rng.uniform(0.3, 0.8) if sharpen else rng.uniform(0.4, 1.0))),
        scale=float(1 + strength * rng.uniform(-0.02, 0.02)),
        shift=tuple(float(v) for v in strength * rng.uniform(-1.0, 1.0, 2)),
        mask_scale=tuple(float(v) for v in rng.uniform(0.8, 1.05, 2)),
        mask_wobble=tuple(float(v) for v in rng.uniform(-0.06, 0.06, 4)),
        feather=float(rng.uniform(0.12, 0.35)),
        opacity=float(rng.uniform(0.85, 1.0)),
        flicker=float(rng.uniform(0.1, 0.3)),
    )


def blend_mask(
    size: int | tuple[int, int],
    centre: tuple[float, float],
    half_axes: tuple[float, float],
    manipulation: Manipulation,
    phase: float = 0.0,
) -> np.ndarray:
    """Soft irregular ellipse, float32 (size, size) or (height, width) in [0, opacity]: 1 inside,
    smooth falloff."""
    height, width = (size, size) if isinstance(size, int) else size
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    ax = max(half_axes[0] * manipulation.mask_scale[0], 1.0)
    ay = max(half_axes[1] * manipulation.mask_scale[1], 1.0)
    dx, dy = (xx - centre[0]) / ax, (yy - centre[1]) / ay
    distance = np.sqrt(dx * dx + dy * dy)
    angle = np.arctan2(dy, dx)
    radius = 1.0 + sum(a * np.sin((k + 2) * angle + phase * (k + 1)) for k, a in enumerate(manipulation.mask_wobble))
    inside = np.clip((radius - distance) / manipulation.feather, 0.0, 1.0)
    smooth = inside * inside * (3 - 2 * inside)  # smoothstep: no hard edge anywhere
    return (manipulation.opacity * smooth).astype(np.float32)


def altered_copy(
    frame: np.ndarray, centre: tuple[float, float], manipulation: Manipulation, jitter: np.ndarray
) -> np.ndarray:
    """The frame as the "swapped-in" face would look: re-coloured, re-sharpened, mis-registered.
    `jitter` (3 values in [-1, 1]) varies colour and position per frame: temporal flicker."""
    flicker = manipulation.flicker
    matrix = cv2.getRotationMatrix2D(centre, 0.0, manipulation.scale)
    matrix[:, 2] += np.array(manipulation.shift) * (1 + flicker * jitter[:2])
    moved = cv2.warpAffine(frame, matrix, frame.shape[1::-1], flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT101)
    copy = moved.astype(np.float32)
    gain = 1 + (np.array(manipulation.colour_gain) - 1) * (1 + flicker * jitter[2])
    copy = copy * gain.astype(np.float32) + manipulation.brightness
    if manipulation.sharpness > 0:
        copy = cv2.GaussianBlur(copy, (0, 0), manipulation.sharpness)
    elif manipulation.sharpness < 0:
        blurred = cv2.GaussianBlur(copy, (0, 0), 1.0)
        copy = copy + (-manipulation.sharpness) * (copy - blurred)
    return copy


def manipulate_frame(
    frame: np.ndarray,
    centre: tuple[float, float],
    half_axes: tuple[float, float],
    manipulation: Manipulation,
    rng: np.random.Generator,
    opacity_scale: float = 1.0,
) -> tuple[np.ndarray, np.ndarray]:
    """One fake frame and the mask that made it (float32 in [0, 1])."""
    jitter = rng.uniform(-1, 1, 4)
    mask = blend_mask(frame.shape[:2], centre, half_axes, manipulation, phase=manipulation.flicker * jitter[3])
    mask *= (1 - 0.25 * manipulation.flicker * (1 + jitter[3])) * opacity_scale  # dips by up to flicker/2
    copy = altered_copy(frame, centre, manipulation, jitter[:3])
    weight = mask[..., None]
    blended = weight * copy + (1 - weight) * frame.astype(np.float32)
    return np.clip(blended + 0.5, 0, 255).astype(np.uint8), mask


def flicker_only_levels(seed: int, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-frame blend strengths of a flicker-only pair: the real's ramp smoothly across the
    clip (low to high, or back), the fake has the same values shuffled in time. Same frames, other
    order: only a model that looks at the order can tell them apart."""
    rng = np.random.default_rng([seed, 3])
    steady = np.linspace(rng.uniform(0.0, 0.3), rng.uniform(0.7, 1.0), count)
    if rng.random() < 0.5:
        steady = steady[::-1]
    return steady, rng.permutation(steady)
