"""The `explanation` block of an /explanations answer: per-frame CAM grids, overlay PNGs,
scores, and the temporal saliency curve."""

from __future__ import annotations

import base64

import numpy as np
import torch

from model.frames import SampledFrames
from model.inference import ClipScore
from serving.gradcam import LAYER_NAME, most_decisive, temporal_saliency
from serving.heatmaps import OVERLAY_MAX_SIDE, heatmap_overlay, png_bytes

CAM_DECIMALS = 5


def cam_regions(frames: list[np.ndarray], faces: list[dict] | None) -> list[list[int]]:
    """Where each frame's CAM belongs (x, y, width, height): the face crop, else the whole frame."""
    if faces is not None:
        return [list(face["box"]) for face in faces]
    return [[0, 0, frame.shape[1], frame.shape[0]] for frame in frames]


def clip_overlays(
    frames: list[np.ndarray], cams: torch.Tensor, faces: list[dict] | None, max_side: int = OVERLAY_MAX_SIDE
) -> list[np.ndarray]:
    """One heatmap overlay per frame, on one colour scale for the whole clip."""
    grids, cam_max = cams.numpy(), float(cams.max())
    return [heatmap_overlay(f, g, cam_max, max_side, r) for f, g, r in zip(frames, grids, cam_regions(frames, faces))]


def explanation(
    sampled: SampledFrames,
    score: ClipScore,
    cams: torch.Tensor,
    faces: list[dict] | None = None,
    overlays: list[np.ndarray] | None = None,
) -> dict:
    """`faces`: per frame, for face-crop models, the crop each CAM belongs to (`box`, frame pixels).
    `overlays`: the pictures, when the caller made them at another size (clip_overlays)."""
    grids = cams.numpy()
    cam_max = float(grids.max())
    shares = temporal_saliency(cams)
    regions = cam_regions(sampled.frames, faces)
    overlays = overlays if overlays is not None else clip_overlays(sampled.frames, cams, faces)
    frames = [
        {
            "position": slot,
            "index": sampled.indices[slot],
            "timestamp_s": round(sampled.timestamps_s[slot], 4),
            "score": round(score.frame_probabilities[slot], 6),
            "saliency": round(shares[slot], 6),
            "cam": [[round(float(v), CAM_DECIMALS) for v in row] for row in grids[slot]],
            "cam_region": regions[slot],
            "heatmap_png": base64.b64encode(png_bytes(overlay)).decode("ascii"),
        }
        for slot, overlay in enumerate(overlays)
    ]
    height, width = overlays[0].shape[:2]
    return {
        "method": "captum.LayerGradCam",
        "layer": LAYER_NAME,
        "target": "fake logit of the pooled clip",
        "cam_shape": list(grids.shape[1:]),
        "cam_max": round(cam_max, CAM_DECIMALS),
        "heatmap_size": {"width": width, "height": height},
        "temporal_saliency": [round(share, 6) for share in shares],
        "top_frames": most_decisive(shares),
        "frames": frames,
    }
