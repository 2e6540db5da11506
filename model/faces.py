"""The optional face-crop stage: find the main face in each sampled frame and crop around it.

Detector: MTCNN from facenet-pytorch (its weights ship inside the wheel, nothing downloads).
Chosen by measurement on the shared videos against OpenCV's Haar cascades and CenterFace
(docs/variants.md): Haar missed the face in ~40% of carphone_pristine.mp4's frames, CenterFace
"found" faces in every frame of a clip of Lego bricks; MTCNN found all of the first, none in the
second.

Steps, per clip: detect every face in every frame -> follow one face through the clip (the
largest first, then the one overlapping the previous pick) -> smooth its box with the
neighbouring frames' boxes of the same face (a jittering crop would look like flicker to a
temporal model) -> a square 1.3x the face, kept inside the frame. A frame with no face keeps
the whole frame, and says so (`FaceCrop.found`).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

FACE_MARGIN = 1.3  # crop side / face side, as in FaceForensics++ and most detectors trained on it
MIN_FACE_PROBABILITY = 0.95  # MTCNN's final score; lower let through half-faces and textures
DETECTION_MAX_SIDE = 640  # frames are shrunk to this for detection only (cost grows with pixels)
MIN_FACE_PX = 20  # at detection scale: smaller faces carry too few pixels to judge anyway
SAME_FACE_IOU = 0.3  # boxes in consecutive sampled frames overlapping this much are one face
SMOOTHING_WEIGHTS = (0.25, 0.5, 0.25)  # previous, this, next sampled frame
FACENET_REQUIREMENT = "facenet-pytorch==2.6.0"


class FaceDetectorUnavailable(RuntimeError):
    pass


@dataclass(frozen=True)
class FaceBox:
    """A detected face in frame pixels: top-left corner, size, detector score."""

    x: float
    y: float
    width: float
    height: float
    score: float

    @property
    def centre(self) -> tuple[float, float]:
        return self.x + self.width / 2, self.y + self.height / 2

    @property
    def area(self) -> float:
        return self.width * self.height


@dataclass(frozen=True)
class FaceCrop:
    """What the network sees of one frame: the crop region (x, y, width, height) in frame pixels."""

    found: bool  # False: no face, the whole frame is used
    region: tuple[int, int, int, int]
    score: float | None = None

    def to_dict(self) -> dict:
        return {
            "found": self.found,
            "box": list(self.region),
            "score": None if self.score is None else round(self.score, 4),
        }


@functools.lru_cache(maxsize=1)
def load_face_detector():
    """MTCNN, loaded once per process. Raises FaceDetectorUnavailable with the install line."""
    try:
        from facenet_pytorch import MTCNN
    except ImportError as error:
        raise FaceDetectorUnavailable(
            f"face cropping needs {FACENET_REQUIREMENT} (pip install --no-deps {FACENET_REQUIREMENT}; "
            f"it imports requests): {error}"
        ) from error
    return MTCNN(keep_all=True, min_face_size=MIN_FACE_PX, device="cpu").eval()


def detect_faces(frames: Sequence[np.ndarray]) -> list[list[FaceBox]]:
    """Every face MTCNN finds in each RGB frame, in frame pixels. Frames of one size run as a batch."""
    found: list[list[FaceBox]] = [[] for _ in frames]
    by_shape: dict[tuple, list[int]] = {}
    for position, frame in enumerate(frames):
        by_shape.setdefault(frame.shape, []).append(position)
    for shape, positions in by_shape.items():
        scale = min(1.0, DETECTION_MAX_SIDE / max(shape[:2]))
        if min(shape[:2]) * scale < MIN_FACE_PX:
            continue  # no face of the minimum size fits (and MTCNN fails on such frames)
        batch = np.stack([_shrink(frames[p], scale) for p in positions])
        boxes, scores = load_face_detector().detect(batch)
        for position, frame_boxes, frame_scores in zip(positions, boxes, scores):
            found[position] = _face_boxes(frame_boxes, frame_scores, scale)
    return found


def _shrink(frame: np.ndarray, scale: float) -> np.ndarray:
    if scale >= 1.0:
        return np.ascontiguousarray(frame)
    size = (max(1, round(frame.shape[1] * scale)), max(1, round(frame.shape[0] * scale)))
    return cv2.resize(frame, size, interpolation=cv2.INTER_AREA)


def _face_boxes(boxes, scores, scale: float) -> list[FaceBox]:
    if boxes is None:
        return []
    faces = []
    for (x1, y1, x2, y2), score in zip(boxes, scores):
        if score is not None and score >= MIN_FACE_PROBABILITY:
            faces.append(FaceBox(x1 / scale, y1 / scale, (x2 - x1) / scale, (y2 - y1) / scale, float(score)))
    return faces


def iou(a: FaceBox, b: FaceBox) -> float:
    left, top = max(a.x, b.x), max(a.y, b.y)
    right, bottom = min(a.x + a.width, b.x + b.width), min(a.y + a.height, b.y + b.height)
    overlap = max(0.0, right - left) * max(0.0, bottom - top)
    union = a.area + b.area - overlap
    return overlap / union if union > 0 else 0.0


def follow_main_face(detections: Sequence[Sequence[FaceBox]]) -> list[FaceBox | None]:
    """One face per frame: the largest, or while the last pick is still there, the same face."""
    picked: list[FaceBox | None] = []
    last: FaceBox | None = None
    for faces in detections:
        if not faces:
            picked.append(None)
            continue
        same = [face for face in faces if last is not None and iou(face, last) >= SAME_FACE_IOU]
        choice = max(same, key=lambda face: iou(face, last)) if same else max(faces, key=lambda face: face.area)
        picked.append(choice)
        last = choice
    return picked


def smooth_boxes(boxes: Sequence[FaceBox | None]) -> list[FaceBox | None]:
    """Weighted mean of each box with its neighbours' boxes of the same face (centre and size)."""
    smoothed: list[FaceBox | None] = []
    for position, box in enumerate(boxes):
        if box is None:
            smoothed.append(None)
            continue
        weighted, total = np.zeros(4), 0.0
        for offset, weight in zip((-1, 0, 1), SMOOTHING_WEIGHTS):
            neighbour = boxes[position + offset] if 0 <= position + offset < len(boxes) else None
            if neighbour is not None and (offset == 0 or iou(neighbour, box) >= SAME_FACE_IOU):
                weighted += weight * np.array([*neighbour.centre, neighbour.width, neighbour.height])
                total += weight
        cx, cy, width, height = weighted / total
        smoothed.append(FaceBox(cx - width / 2, cy - height / 2, width, height, box.score))
    return smoothed


def square_region(
    box: FaceBox, frame_width: int, frame_height: int, margin: float = FACE_MARGIN
) -> tuple[int, int, int, int]:
    """A square `margin` times the face's longer side, centred on it, moved (not cut) to fit the
    frame: every pixel is real and the aspect ratio is kept, so the resize does not distort."""
    side = min(round(margin * max(box.width, box.height)), frame_width, frame_height)
    side = max(side, 1)
    cx, cy = box.centre
    x = int(np.clip(round(cx - side / 2), 0, frame_width - side))
    y = int(np.clip(round(cy - side / 2), 0, frame_height - side))
    return x, y, side, side


def locate_face_crops(frames: Sequence[np.ndarray]) -> list[FaceCrop]:
    """The crop of each frame of one clip (frames in time order)."""
    tracked = smooth_boxes(follow_main_face(detect_faces(frames)))
    crops = []
    for frame, box in zip(frames, tracked):
        height, width = frame.shape[:2]
        if box is None:
            crops.append(FaceCrop(False, (0, 0, width, height)))
        else:
            crops.append(FaceCrop(True, square_region(box, width, height), box.score))
    return crops


def crop_frame(frame: np.ndarray, crop: FaceCrop) -> np.ndarray:
    x, y, width, height = crop.region
    return frame[y : y + height, x : x + width]
