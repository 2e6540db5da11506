"""A slow hand-held camera over a still photo: the view pans, zooms and rolls a little over time."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


@dataclass(frozen=True)
class CameraPath:
    """The view window around the region: centre, side length and roll at the start and end."""

    start_centre: tuple[float, float]
    end_centre: tuple[float, float]
    start_side: float
    end_side: float
    start_angle: float
    end_angle: float
    shake_px: float

    def view_matrix(self, t: float, frame_number: int, out_size: int) -> np.ndarray:
        """2x3 affine map from source pixels to the output frame at time t in [0, 1]."""
        cx = _lerp(self.start_centre[0], self.end_centre[0], t) + self.shake_px * np.sin(1.7 * frame_number)
        cy = _lerp(self.start_centre[1], self.end_centre[1], t) + self.shake_px * np.cos(2.3 * frame_number)
        side = _lerp(self.start_side, self.end_side, t)
        matrix = cv2.getRotationMatrix2D((cx, cy), _lerp(self.start_angle, self.end_angle, t), out_size / side)
        matrix[:, 2] += (out_size / 2 - cx, out_size / 2 - cy)
        return matrix


def _lerp(a: float, b: float, t: float) -> float:
    return a + (b - a) * t


def random_camera_path(
    rng: np.random.Generator, box: tuple[int, int, int, int], image_shape: tuple[int, ...]
) -> CameraPath:
    """A path that keeps the region in view: the window is 1.8-3x the region (less on tight
    crops such as face chips, where more would show mirrored borders), drifting <= 15%."""
    x, y, w, h = box
    face = float(max(w, h))
    centre = (x + w / 2, y + h / 2)
    side = min(face * rng.uniform(1.8, 3.0), max(face * 1.3, float(min(image_shape[:2]))))
    drift = rng.uniform(-0.15, 0.15, 4) * side
    return CameraPath(
        start_centre=(centre[0] + drift[0], centre[1] + drift[1]),
        end_centre=(centre[0] + drift[2], centre[1] + drift[3]),
        start_side=side,
        end_side=side * rng.uniform(0.85, 1.15),
        start_angle=float(rng.uniform(-5, 5)),
        end_angle=float(rng.uniform(-5, 5)),
        shake_px=float(rng.uniform(0, 0.01) * side),
    )


def render_view(image: np.ndarray, matrix: np.ndarray, out_size: int) -> np.ndarray:
    return cv2.warpAffine(image, matrix, (out_size, out_size), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT101)


def region_in_view(
    box: tuple[int, int, int, int], matrix: np.ndarray
) -> tuple[tuple[float, float], tuple[float, float]]:
    """The region's centre and half-sizes in output pixels (the view is a similarity transform)."""
    x, y, w, h = box
    centre = matrix @ np.array([x + w / 2, y + h / 2, 1.0])
    scale = float(np.hypot(matrix[0, 0], matrix[0, 1]))
    return (float(centre[0]), float(centre[1])), (scale * w / 2, scale * h / 2)
