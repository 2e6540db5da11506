"""Compression and rescaling of clips: the training augmentation (`--augment`) and the fixed
levels the robustness evaluation applies (python -m analysis.robustness).

Videos met in the wild were re-encoded, often several times, and resized on the way (uploads,
messengers, platforms). Those steps blur and block exactly the fine pixel evidence a detector
trained on clean clips relies on. A `Degradation` imitates them on uint8 frames (T, H, W, 3):
shrink by `scale` and enlarge back, then JPEG at `jpeg_quality` per frame and/or H.264 at
`h264_crf` (PyAV's libx264, when present). The output has the input's shape.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from fractions import Fraction

import av
import cv2
import numpy as np

from train.h264 import repeatable_x264_options

JPEG_QUALITY_RANGE = (30, 95)  # training draws: from heavy blocking to near-lossless
H264_CRF_RANGE = (23, 40)  # 23: x264's default quality; 40: heavy, as after repeated re-uploads
SCALES = (1.0, 0.75, 0.5)
AUGMENT_PROBABILITY = 0.5  # half the steps stay clean: the clean evidence is still learned


@dataclass(frozen=True)
class Degradation:
    scale: float = 1.0  # shrink factor before the encode (enlarged back afterwards)
    jpeg_quality: int | None = None  # 1-100, None: no JPEG
    h264_crf: int | None = None  # 0-51, None: no H.264

    def describe(self) -> str:
        parts = [f"JPEG q={self.jpeg_quality}"] if self.jpeg_quality else []
        parts += [f"H.264 crf={self.h264_crf}"] if self.h264_crf is not None else []
        parts += [f"{self.scale:g}x scale"] if self.scale != 1.0 else []
        return " + ".join(parts) or "original"


# The robustness evaluation's levels: none, light (a typical re-upload), heavy (small and blocky).
LEVELS = {
    "none": Degradation(),
    "light": Degradation(jpeg_quality=75),
    "heavy": Degradation(jpeg_quality=30, scale=0.5),
}


@functools.cache
def h264_available() -> bool:
    return "libx264" in av.codecs_available


def random_degradation(rng: np.random.Generator) -> Degradation:
    """A training draw: clean half the time, else a random scale and JPEG or H.264 quality."""
    if rng.random() >= AUGMENT_PROBABILITY:
        return Degradation()
    scale = float(rng.choice(SCALES))
    if h264_available() and rng.random() < 0.5:
        return Degradation(scale=scale, h264_crf=int(rng.integers(H264_CRF_RANGE[0], H264_CRF_RANGE[1] + 1)))
    return Degradation(scale=scale, jpeg_quality=int(rng.integers(JPEG_QUALITY_RANGE[0], JPEG_QUALITY_RANGE[1] + 1)))


def degrade_clip(clip: np.ndarray, degradation: Degradation) -> np.ndarray:
    """uint8 (T, H, W, 3) RGB -> the same shape after rescaling and re-encoding."""
    if degradation == Degradation():
        return clip
    height, width = clip.shape[1:3]
    frames = [_shrink(np.ascontiguousarray(frame), degradation.scale) for frame in clip]
    if degradation.jpeg_quality:
        frames = [jpeg_round_trip(frame, degradation.jpeg_quality) for frame in frames]
    if degradation.h264_crf is not None:
        frames = h264_round_trip(frames, degradation.h264_crf)
    return np.stack([cv2.resize(frame, (width, height), interpolation=cv2.INTER_LINEAR) for frame in frames])


def _shrink(frame: np.ndarray, scale: float) -> np.ndarray:
    if scale >= 1.0:
        return frame
    height, width = frame.shape[:2]
    # Even sides: H.264 stores colour at half resolution (4:2:0).
    size = (max(2, round(width * scale / 2) * 2), max(2, round(height * scale / 2) * 2))
    return cv2.resize(frame, size, interpolation=cv2.INTER_AREA)


def jpeg_round_trip(frame: np.ndarray, quality: int) -> np.ndarray:
    """RGB uint8 -> JPEG at `quality` -> RGB uint8 (OpenCV encodes BGR: convert both ways)."""
    ok, encoded = cv2.imencode(".jpg", cv2.cvtColor(frame, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:
        raise ValueError(f"JPEG encoding failed at quality {quality}")
    return cv2.cvtColor(cv2.imdecode(encoded, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)


def h264_round_trip(frames: list[np.ndarray], crf: int) -> list[np.ndarray]:
    """RGB uint8 frames -> H.264 (libx264, yuv420p, repeatable options) -> frames."""
    if not h264_available():
        raise RuntimeError("this PyAV build has no libx264 encoder")
    height, width = frames[0].shape[:2]
    padded = (width + width % 2, height + height % 2)  # 4:2:0 needs even sides
    codec = av.CodecContext.create("libx264", "w")
    codec.width, codec.height, codec.pix_fmt = *padded, "yuv420p"
    codec.time_base = Fraction(1, 12)
    codec.options = repeatable_x264_options(crf)
    codec.thread_count = 1
    packets = []
    for number, frame in enumerate(frames):
        even = cv2.copyMakeBorder(frame, 0, padded[1] - height, 0, padded[0] - width, cv2.BORDER_REPLICATE)
        picture = av.VideoFrame.from_ndarray(np.ascontiguousarray(even), format="rgb24")
        picture.pts = number
        packets += codec.encode(picture)
    packets += codec.encode(None)
    decoder = av.CodecContext.create("h264", "r")
    decoded = [frame for packet in packets for frame in decoder.decode(packet)] + list(decoder.decode(None))
    return [frame.to_ndarray(format="rgb24")[:height, :width] for frame in decoded]
