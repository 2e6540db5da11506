"""Pictures of a CAM: a colour heatmap blended over the frame, as PNG bytes."""

from __future__ import annotations

import io
from collections.abc import Sequence

import cv2
import numpy as np
from PIL import Image

OVERLAY_MAX_SIDE = 160  # px: enough to see where, small enough for 16 frames in one answer
HEATMAP_WEIGHT = 0.5


def overlay_size(width: int, height: int, max_side: int = OVERLAY_MAX_SIDE) -> tuple[int, int]:
    scale = max_side / max(width, height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def thumbnail(frame: np.ndarray, max_side: int = OVERLAY_MAX_SIDE) -> np.ndarray:
    return cv2.resize(frame, overlay_size(frame.shape[1], frame.shape[0], max_side), interpolation=cv2.INTER_AREA)


def heatmap_overlay(
    frame: np.ndarray,
    cam: np.ndarray,
    cam_max: float,
    max_side: int = OVERLAY_MAX_SIDE,
    region: Sequence[int] | None = None,
) -> np.ndarray:
    """RGB frame (H, W, 3) + CAM (h, w) -> RGB overlay at the frame's aspect ratio.

    `region` (x, y, width, height in frame pixels) is what the network saw: a face crop, or by
    default the whole frame squashed to a square. The CAM grid stretches back over that region
    only; the rest of the frame stays uncoloured (the network never saw it). `cam_max` is shared
    by a clip's frames so they compare.
    """
    small = thumbnail(frame, max_side)
    x0, y0, x1, y1 = _thumbnail_box(
        region or (0, 0, frame.shape[1], frame.shape[0]), small.shape[1] / frame.shape[1], small.shape[:2]
    )
    scaled = np.clip(cam / cam_max, 0.0, 1.0) if cam_max > 0 else np.zeros_like(cam)
    heat = cv2.resize(scaled.astype(np.float32), (x1 - x0, y1 - y0), interpolation=cv2.INTER_LINEAR)
    colours = cv2.cvtColor(cv2.applyColorMap(np.uint8(heat * 255), cv2.COLORMAP_JET), cv2.COLOR_BGR2RGB)
    overlay = small.copy()
    overlay[y0:y1, x0:x1] = cv2.addWeighted(small[y0:y1, x0:x1], 1.0 - HEATMAP_WEIGHT, colours, HEATMAP_WEIGHT, 0.0)
    return overlay


def _thumbnail_box(region: Sequence[int], scale: float, shape: tuple[int, int]) -> tuple[int, int, int, int]:
    """Frame-pixel (x, y, w, h) -> thumbnail corners (x0, y0, x1, y1), at least one pixel."""
    x, y, width, height = region
    x0, y0 = min(round(x * scale), shape[1] - 1), min(round(y * scale), shape[0] - 1)
    return (
        x0,
        y0,
        max(x0 + 1, min(round((x + width) * scale), shape[1])),
        max(y0 + 1, min(round((y + height) * scale), shape[0])),
    )


def png_bytes(image: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()
