"""Pictures of a CAM: a colour heatmap blended over the frame, as PNG bytes."""

from __future__ import annotations

import io

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


def heatmap_overlay(frame: np.ndarray, cam: np.ndarray, cam_max: float, max_side: int = OVERLAY_MAX_SIDE) -> np.ndarray:
    """RGB frame (H, W, 3) + CAM (h, w) -> RGB overlay at the frame's aspect ratio.

    The network saw the whole frame squashed to a square (no crop), so the CAM grid stretches
    back over the whole frame. `cam_max` is shared by a clip's frames so they compare.
    """
    small = thumbnail(frame, max_side)
    height, width = small.shape[:2]
    scaled = np.clip(cam / cam_max, 0.0, 1.0) if cam_max > 0 else np.zeros_like(cam)
    heat = cv2.resize(scaled.astype(np.float32), (width, height), interpolation=cv2.INTER_LINEAR)
    colours = cv2.cvtColor(cv2.applyColorMap(np.uint8(heat * 255), cv2.COLORMAP_JET), cv2.COLOR_BGR2RGB)
    return cv2.addWeighted(small, 1.0 - HEATMAP_WEIGHT, colours, HEATMAP_WEIGHT, 0.0)


def png_bytes(image: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()
