"""Every face of a clip as a track of its own, so one swapped face among several is judged alone.

Detection is model.faces.detect_faces (MTCNN: every face of each sampled frame). Linking goes
through the frames in time order: each face joins the track whose last box overlaps it most
(IoU >= SAME_FACE_IOU) or, failing that, whose last box centre is nearest, within
CENTRE_DISTANCE times that box's size (a face that moved between two sampled frames); each track
takes at most one face per frame, best matches first; a track missed for more than MAX_GAP frames
ends; a face that joins no track starts one.

A track counts (is scored and may decide the clip) when it has a face in at least
MIN_TRACK_SHARE of the frames and in at least 2 of them: a face seen once is as likely a
detector error as a person. Each counted track is a clip of its own crops, cut as the main-face
crops are (smoothed boxes, a square FACE_MARGIN times the face, moved into the frame); where the
face was missed, the nearest box of the track is held, so the clip keeps T frames for the
temporal encoder.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from model.config import ModelConfig
from model.faces import FaceBox, FaceCrop, crop_frame, iou, smooth_boxes, square_region
from model.preprocess import resize_frames

SAME_FACE_IOU = 0.3
CENTRE_DISTANCE = 0.75  # x the last box's longer side
MAX_GAP = 2  # sampled frames a track may miss and go on
MIN_TRACK_SHARE = 0.25
MIN_TRACK_FRAMES = 2


@dataclass
class FaceTrack:
    track: int
    boxes: list[FaceBox | None]  # per frame; None where this face was not found

    @property
    def found(self) -> int:
        return sum(box is not None for box in self.boxes)

    def last_seen(self) -> tuple[int, FaceBox]:
        position = max(i for i, box in enumerate(self.boxes) if box is not None)
        return position, self.boxes[position]


def _centre_distance(a: FaceBox, b: FaceBox) -> float:
    (ax, ay), (bx, by) = a.centre, b.centre
    return float(np.hypot(ax - bx, ay - by))


def _affinity(track: FaceTrack, face: FaceBox, frame: int) -> float | None:
    """How well a face continues a track (higher is better); None: it does not."""
    position, last = track.last_seen()
    if frame - position - 1 > MAX_GAP:
        return None
    overlap = iou(face, last)
    if overlap >= SAME_FACE_IOU:
        return 1.0 + overlap  # any overlap beats any distance
    distance = _centre_distance(face, last) / max(last.width, last.height)
    return 1.0 - distance / CENTRE_DISTANCE if distance <= CENTRE_DISTANCE else None


def link_tracks(detections: Sequence[Sequence[FaceBox]]) -> list[FaceTrack]:
    """Tracks over the frames of one clip (see the module docstring), numbered from 0 by first appearance."""
    frames = len(detections)
    tracks: list[FaceTrack] = []
    for frame, faces in enumerate(detections):
        pairs = sorted(
            (
                (score, t, f)
                for t, track in enumerate(tracks)
                for f, face in enumerate(faces)
                if (score := _affinity(track, face, frame)) is not None
            ),
            reverse=True,
        )
        taken_tracks, taken_faces = set(), set()
        for _, t, f in pairs:
            if t not in taken_tracks and f not in taken_faces:
                tracks[t].boxes[frame] = faces[f]
                taken_tracks.add(t)
                taken_faces.add(f)
        for f, face in enumerate(faces):
            if f not in taken_faces:
                boxes: list[FaceBox | None] = [None] * frames
                boxes[frame] = face
                tracks.append(FaceTrack(len(tracks), boxes))
    return tracks


def counts(track: FaceTrack, frames: int) -> bool:
    return track.found >= max(MIN_TRACK_FRAMES, MIN_TRACK_SHARE * frames)


def _held(boxes: list[FaceBox | None]) -> list[FaceBox]:
    """Each missing box replaced by the nearest found one (the earlier on a tie)."""
    found = [i for i, box in enumerate(boxes) if box is not None]
    return [boxes[min(found, key=lambda j: (abs(j - i), j))] for i in range(len(boxes))]


@dataclass(frozen=True)
class TrackClip:
    track: FaceTrack
    crops: list[FaceCrop]  # per frame: found (the face there) or held (the nearest box of the track)
    pixels: np.ndarray  # (T, S, S, 3) uint8, what the network sees of this face


def track_clips(frames: Sequence[np.ndarray], tracks: list[FaceTrack], config: ModelConfig) -> list[TrackClip]:
    """The counted tracks, each as its own clip of crops."""
    clips = []
    for track in tracks:
        if not counts(track, len(frames)):
            continue
        smoothed = smooth_boxes(track.boxes)
        crops = []
        for frame, box, original in zip(frames, _held(smoothed), track.boxes):
            height, width = frame.shape[:2]
            crops.append(FaceCrop(original is not None, square_region(box, width, height), box.score))
        pixels = resize_frames([crop_frame(f, c) for f, c in zip(frames, crops)], config.image_size)
        clips.append(TrackClip(track, crops, pixels))
    return clips
