"""Where synthetic clips start: real face photos that ship with installed packages, and
procedural scenes. Each source is an RGB image plus the box of the region a fake manipulates.

Face photos: Debian libdlib's examples (face boxes in its training/testing XML, aligned face
chips in johns/, group photos whose faces OpenCV's Haar cascade finds), skimage's astronaut and
matplotlib's grace_hopper.jpg. Nothing is downloaded; missing ones are simply skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import cv2
import numpy as np
from PIL import Image

DLIB_EXAMPLES = Path("/usr/share/doc/libdlib19.1/examples")
BOX_LISTS = ("faces/training.xml", "faces/testing.xml")
HAAR_PHOTOS = ("faces/bald_guys.jpg", "faces/Tom_Cruise_avp_2014_4.jpg")
FACE_CHIP_BOX = (30, 25, 90, 105)  # dlib's 150-px aligned chips: where the face sits
MIN_FACE_PX = 30


@dataclass(frozen=True)
class FaceSource:
    name: str  # where it came from, written to the manifest
    image: np.ndarray  # RGB uint8 (H, W, 3)
    box: tuple[int, int, int, int]  # x, y, w, h of the region a fake manipulates


def load_face_sources() -> list[FaceSource]:
    """Every face photo found offline, in a fixed order (so a seed always means the same data)."""
    sources = _boxed_photos() + _face_chips() + _haar_photos() + _package_photos()
    return [s for s in sources if min(s.box[2:]) >= MIN_FACE_PX]


def _read_rgb(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB"))


def _boxed_photos() -> list[FaceSource]:
    sources = []
    for listing in BOX_LISTS:
        path = DLIB_EXAMPLES / listing
        if not path.is_file():
            continue
        for image_node in ElementTree.parse(path).getroot().iter("image"):
            image_path = path.parent / image_node.get("file")
            if not image_path.is_file():
                continue
            image = _read_rgb(image_path)
            for number, box in enumerate(image_node.iter("box")):
                xywh = tuple(int(box.get(k)) for k in ("left", "top", "width", "height"))
                sources.append(FaceSource(f"dlib:{image_path.name}#{number}", image, xywh))
    return sources


def _face_chips() -> list[FaceSource]:
    chips = sorted((DLIB_EXAMPLES / "johns").glob("*/*.jpg"))
    return [FaceSource(f"dlib:johns/{p.parent.name}/{p.name}", _read_rgb(p), FACE_CHIP_BOX) for p in chips]


def detect_faces(image: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Frontal faces by OpenCV's Haar cascade, sorted top-left to bottom-right."""
    cascade = cv2.CascadeClassifier(cv2.data.haarcascades + "haarcascade_frontalface_default.xml")
    gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    found = cascade.detectMultiScale(gray, scaleFactor=1.1, minNeighbors=5, minSize=(40, 40))
    return sorted((tuple(int(v) for v in box) for box in found), key=lambda b: (b[1], b[0]))


def _haar_photos() -> list[FaceSource]:
    sources = []
    for relative in HAAR_PHOTOS:
        path = DLIB_EXAMPLES / relative
        if path.is_file():
            image = _read_rgb(path)
            sources += [FaceSource(f"dlib:{path.name}#{i}", image, box) for i, box in enumerate(detect_faces(image))]
    return sources


def _package_photos() -> list[FaceSource]:
    images = {}
    try:
        import skimage.data

        images["skimage:astronaut"] = skimage.data.astronaut()
    except (ImportError, OSError):
        pass
    try:
        from matplotlib import cbook

        images["matplotlib:grace_hopper.jpg"] = _read_rgb(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False))
    except (ImportError, OSError, ValueError):
        pass
    sources = []
    for name, image in images.items():
        faces = detect_faces(image)
        if faces:
            largest = max(faces, key=lambda b: b[2] * b[3])
            sources.append(FaceSource(name, image, largest))
    return sources


def procedural_scene(rng: np.random.Generator, size: int = 512) -> FaceSource:
    """A random scene: smooth colour field, shapes, fine texture, and a head-like blob (the region)."""
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32) / size
    canvas = np.zeros((size, size, 3), np.float32)
    for channel in range(3):
        a, b, c = rng.uniform(-1, 1, 3)
        canvas[..., channel] = 110 + 60 * (a * xx + b * yy) + 30 * np.sin(6 * c * (xx + yy))
    for _ in range(int(rng.integers(6, 16))):
        _draw_random_shape(canvas, rng, size)
    box = _draw_head_blob(canvas, rng, size)
    texture = cv2.GaussianBlur(rng.normal(0, 12, (size, size)).astype(np.float32), (0, 0), 1.2)[..., None]
    canvas = cv2.GaussianBlur(canvas, (0, 0), 1.0) + texture
    return FaceSource("procedural", np.clip(canvas, 0, 255).astype(np.uint8), box)


def _draw_random_shape(canvas: np.ndarray, rng: np.random.Generator, size: int) -> None:
    colour = tuple(float(v) for v in rng.uniform(20, 235, 3))
    centre = tuple(int(v) for v in rng.integers(0, size, 2))
    if rng.random() < 0.5:
        axes = tuple(int(v) for v in rng.integers(size // 20, size // 4, 2))
        cv2.ellipse(canvas, centre, axes, float(rng.uniform(0, 180)), 0, 360, colour, -1)
    else:
        corner = tuple(int(v) for v in rng.integers(0, size, 2))
        cv2.rectangle(canvas, centre, corner, colour, -1)


def _draw_head_blob(canvas: np.ndarray, rng: np.random.Generator, size: int) -> tuple[int, int, int, int]:
    """A skin-toned ellipse with darker "eyes" and "mouth": structure for the manipulation to hit."""
    width = int(rng.integers(size // 6, size // 3))
    height = int(width * rng.uniform(1.1, 1.35))
    cx, cy = (int(v) for v in rng.integers(size // 3, 2 * size // 3, 2))
    skin = tuple(float(v) for v in rng.uniform([150, 100, 80], [240, 190, 160]))
    cv2.ellipse(canvas, (cx, cy), (width // 2, height // 2), 0, 0, 360, skin, -1)
    feature = tuple(0.45 * v for v in skin)
    for dx in (-width // 5, width // 5):
        cv2.ellipse(canvas, (cx + dx, cy - height // 8), (width // 12, width // 20), 0, 0, 360, feature, -1)
    cv2.ellipse(canvas, (cx, cy + height // 4), (width // 6, width // 24), 0, 0, 360, feature, -1)
    return (cx - width // 2, cy - height // 2, width, height)
