"""Real frames from scenes as a camera (or a screen recorder) would give them, and each one's
self-blended fake (SBI: Shiohara & Yamasaki, CVPR 2022): the frame's own region replaced by an
altered copy of itself through a soft mask. A real and its fake share the view, the noise, the
blur and the compression; the blend is the only difference.

Frames are rendered at a "native" video size (any aspect ratio, small to large), blended and
degraded there, and only then resized to the network's square, as serving resizes a video.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from train.synth.manipulation import Manipulation, manipulate_frame, random_manipulation
from train.synth.scenes import Scene

ASPECTS = (1.0, 4 / 3, 16 / 9, 16 / 9, 2.35, 9 / 16, 3 / 4)  # width / height; 16:9 most often
FLAT_KINDS = ("screen", "chart")  # recorded, not filmed: no roll, little noise


@dataclass(frozen=True)
class Native:
    width: int
    height: int


def random_native(rng: np.random.Generator, size: int) -> Native:
    """A video size around the network's input: from half of it to twice, of a common aspect."""
    aspect = float(ASPECTS[int(rng.integers(len(ASPECTS)))])
    height = float(size * np.exp(rng.uniform(np.log(0.5), np.log(2.0))))
    width = height * aspect
    if width > 2.5 * size:
        width, height = 2.5 * size, 2.5 * size / aspect
    return Native(max(32, int(width) // 2 * 2), max(32, int(height) // 2 * 2))


@dataclass(frozen=True)
class ViewPath:
    """Where the camera looks over the scene during a clip: window centre, width, roll, at t=0 and 1."""

    start: tuple[float, float, float, float]  # cx, cy, window width, angle (degrees)
    end: tuple[float, float, float, float]
    shake: float  # pixels of hand shake, in scene pixels

    def matrix(self, t: float, frame_number: int, native: Native) -> np.ndarray:
        cx, cy, width, angle = (a + (b - a) * t for a, b in zip(self.start, self.end))
        cx += self.shake * np.sin(1.7 * frame_number)
        cy += self.shake * np.cos(2.3 * frame_number)
        scale = native.width / width
        matrix = cv2.getRotationMatrix2D((cx, cy), angle, scale)
        matrix[:, 2] += (native.width / 2 - cx, native.height / 2 - cy)
        return matrix


def random_path(rng: np.random.Generator, scene: Scene, native: Native, motion: float = 1.0) -> ViewPath:
    """A window of the native aspect over the scene: around the face for face scenes, anywhere
    else; panning, zooming and rolling by up to `motion` times the usual amount over the clip."""
    height, width = scene.image.shape[:2]
    aspect = native.width / native.height
    most = min(width, height * aspect)
    if scene.box is not None and rng.random() < 0.8:
        x, y, w, h = scene.box
        window = min(max(w, h) * rng.uniform(1.6, 4.0) * max(1.0, aspect), most)
        cx, cy = x + w / 2, y + h / 2
    else:
        window = most * rng.uniform(0.35, 1.0)
        cx = rng.uniform(window / 2, max(window / 2, width - window / 2))
        cy = rng.uniform(window / aspect / 2, max(window / aspect / 2, height - window / aspect / 2))
    flat = scene.kind in FLAT_KINDS
    roll = 0.0 if flat else 6.0
    start = (cx, cy, window, float(rng.uniform(-roll, roll)))
    drift = motion * window * rng.uniform(-0.12, 0.12, 2)
    if flat and rng.random() < 0.6:  # scrolling: straight down or up
        drift = np.array([0.0, motion * window * rng.uniform(-0.3, 0.3)])
    end = (
        cx + drift[0],
        cy + drift[1],
        window * (1 + motion * rng.uniform(-0.12, 0.12)),
        start[3] + motion * rng.uniform(-roll / 2, roll / 2),
    )
    shake = 0.0 if flat else float(rng.uniform(0, 0.006) * window)
    return ViewPath(start, end, shake)


def render(scene: Scene, matrix: np.ndarray, native: Native) -> np.ndarray:
    return cv2.warpAffine(
        scene.image, matrix, (native.width, native.height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT101
    )


def blend_region(
    rng: np.random.Generator, scene: Scene, matrix: np.ndarray, native: Native
) -> tuple[tuple[float, float], tuple[float, float]]:
    """Centre and half-axes of the region to blend, in native pixels: the face half the time when
    the scene has one in view, else an ellipse anywhere in the frame."""
    if scene.box is not None and rng.random() < 0.6:
        x, y, w, h = scene.box
        centre = matrix @ np.array([x + w / 2, y + h / 2, 1.0])
        scale = float(np.hypot(matrix[0, 0], matrix[0, 1]))
        inside = 0 <= centre[0] < native.width and 0 <= centre[1] < native.height
        if inside and scale * min(w, h) >= 12:
            return (float(centre[0]), float(centre[1])), (scale * w / 2, scale * h / 2)
    short = min(native.width, native.height)
    half = short * rng.uniform(0.1, 0.3)
    ratio = rng.uniform(0.7, 1.4)
    centre = (rng.uniform(0.2, 0.8) * native.width, rng.uniform(0.2, 0.8) * native.height)
    return (float(centre[0]), float(centre[1])), (float(half * ratio), float(half / ratio))


@dataclass(frozen=True)
class Capture:
    """What the camera and the upload add, the same for a real and its fake."""

    gain: float
    noise_sigma: float
    blur: float  # Gaussian sigma of lens/motion softness, 0 = none
    jpeg_quality: int | None  # per-frame JPEG (the training stand-in for a codec), None = none


def random_capture(rng: np.random.Generator, scene: Scene) -> Capture:
    flat = scene.kind in FLAT_KINDS
    return Capture(
        gain=float(rng.uniform(0.85, 1.15)) if not flat else 1.0,
        noise_sigma=float(rng.choice([0.0, rng.uniform(0.5, 3.0), rng.uniform(3.0, 8.0)], p=[0.3, 0.5, 0.2])),
        blur=float(rng.choice([0.0, rng.uniform(0.3, 1.2)], p=[0.7, 0.3])),
        jpeg_quality=int(rng.integers(30, 96)) if rng.random() < 0.75 else None,
    )


def capture(frame: np.ndarray, effects: Capture, noise: np.ndarray | None) -> np.ndarray:
    shot = frame.astype(np.float32)
    if effects.blur > 0:
        shot = cv2.GaussianBlur(shot, (0, 0), effects.blur)
    shot = shot * effects.gain
    if noise is not None and effects.noise_sigma > 0:
        shot += effects.noise_sigma * noise
    out = np.clip(shot + 0.5, 0, 255).astype(np.uint8)
    if effects.jpeg_quality is not None:
        _, encoded = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, effects.jpeg_quality])
        out = cv2.imdecode(encoded, cv2.IMREAD_COLOR)  # channel order is kept: the bytes are ours
    return out


def random_strength(rng: np.random.Generator, strength: tuple[float, float]) -> float:
    return float(rng.uniform(*strength))


def training_pair(
    scene: Scene, rng: np.random.Generator, size: int, strength: tuple[float, float]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One real frame and its self-blended fake, each (size, size, 3) uint8 as the network sees
    them, and the blend mask (size, size) float32 in [0, 1] at the same scale."""
    from model.preprocess import resize_frame

    native = random_native(rng, size)
    path = random_path(rng, scene, native)
    matrix = path.matrix(float(rng.random()), int(rng.integers(100)), native)
    real = render(scene, matrix, native)
    centre, half_axes = blend_region(rng, scene, matrix, native)
    manipulation: Manipulation = random_manipulation(rng, random_strength(rng, strength))
    fake, mask = manipulate_frame(real, centre, half_axes, manipulation, rng)
    effects = random_capture(rng, scene)
    noise = rng.standard_normal(real.shape).astype(np.float32) if effects.noise_sigma > 0 else None
    real_frame = resize_frame(capture(real, effects, noise), size)
    fake_frame = resize_frame(capture(fake, effects, noise), size)
    return real_frame, fake_frame, cv2.resize(mask, (size, size), interpolation=cv2.INTER_AREA)
