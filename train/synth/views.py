"""Real frames from scenes as a camera (or a screen recorder) would give them, and each one's
self-blended fake (SBI: Shiohara & Yamasaki, CVPR 2022): the frame's own region replaced by an
altered copy of itself through a soft mask. A real and its fake share the view, the noise, the
blur and the compression; the blend is the only difference.

Frames are rendered at a "native" video size (any aspect ratio, small to large) and resized to
the network's square as serving resizes a video (model.preprocess.resize_frame); the blend and the
capture effects are made there, at the served scale. A from-scratch model learns an artifact at
one pixel scale: a blend made at 0.5-2.5x the served side and then squashed reaches the network
at a different scale every time, and the model did not learn it (val ROC-AUC ~0.5 after 200 steps,
against ~0.8 at the served scale: scratch/m2 probes, train/README.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from model.preprocess import resize_frame
from train.synth.manipulation import Manipulation, manipulate_frame, random_manipulation
from train.synth.scenes import Scene

ASPECTS = (1.0, 4 / 3, 16 / 9, 16 / 9, 2.35, 9 / 16, 3 / 4)  # width / height; 16:9 most often
FLAT_KINDS = ("screen", "chart")  # recorded, not filmed: no roll, little noise


@dataclass(frozen=True)
class Native:
    width: int
    height: int


LARGEST_NATIVE = 8.0  # widest native frame, in served sides


def random_native(rng: np.random.Generator, size: int) -> Native:
    """A video size of a common aspect, from half the network's input to six times its height
    (at the demo's 80 px: 40 to 480 lines, up to 640 wide), log-uniform. Real videos are mostly
    far larger than the served side, and shrinking them (area interpolation) gives clean, smooth
    frames: a model that only saw views near the served size called those fake (8 of 9 Big Buck
    Bunny encodes at P(fake) ~0.95, measured)."""
    aspect = float(ASPECTS[int(rng.integers(len(ASPECTS)))])
    height = float(size * np.exp(rng.uniform(np.log(0.5), np.log(6.0))))
    width = height * aspect
    if width > LARGEST_NATIVE * size:
        width, height = LARGEST_NATIVE * size, LARGEST_NATIVE * size / aspect
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


@dataclass(frozen=True)
class ColourProfile:
    """How a camera renders the colours of the whole scene: saturation and white balance, the
    same on a real and its fake. Genuine video ranges from washed out to vivid, warm to cold, and
    a region of other colour is what a blend looks like: recipe G scored the vivid, warm-lit LEGO
    clips of ../shared/videos at raw P(fake) 0.93, and 0.59 in greyscale (measured). With the
    profiles (recipe H) they still score ~0.93: one lever, not the fix (train/README.md)."""

    saturation: float  # 1 = as rendered, 0 = grey
    white_balance: tuple[float, float, float]  # per-channel gains

    def apply(self, view: np.ndarray) -> np.ndarray:
        shot = view.astype(np.float32)
        grey = shot.mean(axis=2, keepdims=True)
        shot = (grey + self.saturation * (shot - grey)) * np.array(self.white_balance, np.float32)
        return np.clip(shot + 0.5, 0, 255).astype(np.uint8)


COLOUR_PROFILE_SHARE = 0.6  # of views; the rest keep the scene's own colours


def random_colour_profile(rng: np.random.Generator) -> ColourProfile | None:
    if rng.random() >= COLOUR_PROFILE_SHARE:
        return None
    saturation = float(np.exp(rng.uniform(np.log(0.5), np.log(2.2))))
    balance = tuple(float(g) for g in rng.uniform(0.8, 1.2, 3)) if rng.random() < 0.6 else (1.0, 1.0, 1.0)
    return ColourProfile(saturation, balance)


def in_colour(view: np.ndarray, profile: ColourProfile | None) -> np.ndarray:
    return view if profile is None else profile.apply(view)


REGION_SCALE = 2.5  # blend half-axes, relative to the face box or the usual ellipse (see blend_region)


def blend_region(
    rng: np.random.Generator, scene: Scene, matrix: np.ndarray, native: Native, scale: float = REGION_SCALE
) -> tuple[tuple[float, float], tuple[float, float]]:
    """Centre and half-axes of the region to blend, in native pixels: the face (head and shoulders
    at the default scale) half the time when the scene has one in view, else an ellipse anywhere in
    the frame. Large on purpose: at the demo's 80-px served side a face-sized blend is a few pixels,
    and a from-scratch model learnt nothing of it in 150 steps, against val ROC-AUC ~0.63 after 50
    steps at 2.5x (scratch/m2 probes, train/README.md)."""
    if scene.box is not None and rng.random() < 0.6:
        x, y, w, h = scene.box
        centre = matrix @ np.array([x + w / 2, y + h / 2, 1.0])
        zoom = float(np.hypot(matrix[0, 0], matrix[0, 1]))
        inside = 0 <= centre[0] < native.width and 0 <= centre[1] < native.height
        if inside and zoom * min(w, h) >= 12:
            return (float(centre[0]), float(centre[1])), _in_view(scale * zoom * w / 2, scale * zoom * h / 2, native)
    short = min(native.width, native.height)
    half = short * rng.uniform(0.1, 0.3) * scale
    ratio = rng.uniform(0.7, 1.4)
    centre = (rng.uniform(0.2, 0.8) * native.width, rng.uniform(0.2, 0.8) * native.height)
    return (float(centre[0]), float(centre[1])), _in_view(half * ratio, half / ratio, native)


def _in_view(half_width: float, half_height: float, native: Native) -> tuple[float, float]:
    """At most 45% of the frame each way: the blend's edge stays in view (a whole-frame "blend" is
    a global colour change, which genuine video has too)."""
    return float(min(half_width, 0.45 * native.width)), float(min(half_height, 0.45 * native.height))


@dataclass(frozen=True)
class Light:
    """Uneven lighting over the whole frame (the same on a real and its fake): a vignette and a
    soft, possibly tinted spot of light or shade. A blend is a soft region of other colour and
    brightness too; a model that never saw genuine uneven light called a warm-lit object on a dark,
    vignetted background fake (the LEGO clips of ../shared/videos at P(fake) ~0.97, measured; the
    centre of those frames alone scored real), so the genuine class has it and only the blend's
    mismatch (edge, misalignment, sharpness) separates the classes."""

    vignette: float  # darkening at the corners (0 = none, 1 = black)
    spot: tuple[float, float, float, float]  # centre x, y and radius (frame fractions), gain (0 = none)
    tint: tuple[float, float, float] = (1.0, 1.0, 1.0)  # the spot's colour (per-channel share of its gain)

    def field(self, height: int, width: int) -> np.ndarray:
        yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
        u, v = xx / max(width - 1, 1) - 0.5, yy / max(height - 1, 1) - 0.5
        gain = np.clip(1.0 - self.vignette * 2.0 * (u * u + v * v), 0.0, None)[..., None]
        cx, cy, radius, amount = self.spot
        if amount:
            bump = np.exp(-((u + 0.5 - cx) ** 2 + (v + 0.5 - cy) ** 2) / (2 * radius * radius))[..., None]
            gain = gain * (1.0 + amount * bump * np.array(self.tint, np.float32))
        return gain


@dataclass(frozen=True)
class Capture:
    """What the camera and the upload add, the same for a real and its fake."""

    gain: float
    noise_sigma: float
    blur: float  # Gaussian sigma of lens/motion softness, 0 = none
    jpeg_quality: int | None  # per-frame JPEG (the training stand-in for a codec), None = none
    light: Light | None = None  # uneven lighting, None = even


def random_light(rng: np.random.Generator) -> Light | None:
    if rng.random() < 0.4:
        return None
    vignette = float(rng.uniform(0.1, 1.0)) if rng.random() < 0.7 else 0.0
    spot, tint = (0.0, 0.0, 1.0, 0.0), (1.0, 1.0, 1.0)
    if rng.random() < 0.6:
        centre = (float(c) for c in rng.uniform(0.2, 0.8, 2))
        spot = (*centre, float(rng.uniform(0.15, 0.5)), float(rng.uniform(-0.5, 1.5)))
        if rng.random() < 0.5:  # warm or cold light
            tint = tuple(float(t) for t in rng.uniform(0.4, 1.3, 3))
    return Light(vignette, spot, tint)


def random_capture(rng: np.random.Generator, scene: Scene, lighting: bool = True) -> Capture:
    """`lighting=False`: even light, and the random stream of the captures made before uneven light was
    added (the localisation scenes, whose tests train small models in seconds, keep those)."""
    flat = scene.kind in FLAT_KINDS
    return Capture(
        gain=float(rng.uniform(0.85, 1.15)) if not flat else 1.0,
        noise_sigma=float(rng.choice([0.0, rng.uniform(0.5, 3.0), rng.uniform(3.0, 8.0)], p=[0.3, 0.5, 0.2])),
        blur=float(rng.choice([0.0, rng.uniform(0.3, 1.2)], p=[0.7, 0.3])),
        jpeg_quality=int(rng.integers(30, 96)) if rng.random() < 0.75 else None,
        light=None if flat or not lighting else random_light(rng),
    )


KNEE = 200.0  # grey level where strong light starts to roll off instead of clipping


def _soft_highlights(shot: np.ndarray) -> np.ndarray:
    """Roll off above KNEE towards 255 instead of clipping: a brightly lit blend must not saturate
    into the same white as its real (a fake with no visible blend is a wrong label)."""
    over = np.maximum(shot - KNEE, 0.0)
    return np.minimum(shot, KNEE) + (255.0 - KNEE) * np.tanh(over / (255.0 - KNEE))


def capture(frame: np.ndarray, effects: Capture, noise: np.ndarray | None) -> np.ndarray:
    shot = frame.astype(np.float32)
    if effects.blur > 0:
        shot = cv2.GaussianBlur(shot, (0, 0), effects.blur)
    shot = shot * effects.gain
    if effects.light is not None:
        shot = _soft_highlights(shot * effects.light.field(*shot.shape[:2]))
    if noise is not None and effects.noise_sigma > 0:
        shot += effects.noise_sigma * noise
    out = np.clip(shot + 0.5, 0, 255).astype(np.uint8)
    if effects.jpeg_quality is not None:
        _, encoded = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, effects.jpeg_quality])
        out = cv2.imdecode(encoded, cv2.IMREAD_COLOR)  # channel order is kept: the bytes are ours
    return out


def random_strength(rng: np.random.Generator, strength: tuple[float, float]) -> float:
    return float(rng.uniform(*strength))


def blend_at_served_scale(
    view: np.ndarray,
    centre: tuple[float, float],
    half_axes: tuple[float, float],
    manipulation: Manipulation,
    rng: np.random.Generator,
    size: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(real, fake, mask) at the served square: the native view resized as serving resizes it,
    then blended there (the region given in native pixels)."""
    height, width = view.shape[:2]
    sx, sy = size / width, size / height
    real = resize_frame(view, size)
    fake, mask = manipulate_frame(
        real, (centre[0] * sx, centre[1] * sy), (half_axes[0] * sx, half_axes[1] * sy), manipulation, rng
    )
    return real, fake, mask


VISIBLE = 4  # grey levels a blend must change somewhere for its fake to count as one


def training_pair(
    scene: Scene, rng: np.random.Generator, size: int, strength: tuple[float, float]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One real frame and its self-blended fake, each (size, size, 3) uint8 as the network sees
    them, and the blend mask (size, size) float32 in [0, 1] at the same scale."""
    native = random_native(rng, size)
    profile = random_colour_profile(rng)
    for _ in range(4):  # a blend over a flat view (a white wallpaper) changes nothing: a wrong label
        path = random_path(rng, scene, native)
        matrix = path.matrix(float(rng.random()), int(rng.integers(100)), native)
        view = in_colour(render(scene, matrix, native), profile)
        centre, half_axes = blend_region(rng, scene, matrix, native)
        manipulation: Manipulation = random_manipulation(rng, random_strength(rng, strength))
        real, fake, mask = blend_at_served_scale(view, centre, half_axes, manipulation, rng, size)
        if np.abs(fake.astype(np.int16) - real.astype(np.int16)).max() > VISIBLE:
            break
    effects = random_capture(rng, scene)
    noise = rng.standard_normal(real.shape).astype(np.float32) if effects.noise_sigma > 0 else None
    return capture(real, effects, noise), capture(fake, effects, noise), mask
