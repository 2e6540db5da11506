"""The `explanation` block of an /explanations answer: per-frame CAM grids, overlay PNGs,
scores, and the temporal saliency curve."""

from __future__ import annotations

import base64

import torch

from model.frames import SampledFrames

from .gradcam import LAYER_NAME, most_decisive, temporal_saliency
from .heatmaps import heatmap_overlay, png_bytes
from .scoring import ClipScore

CAM_DECIMALS = 5


def explanation(sampled: SampledFrames, score: ClipScore, cams: torch.Tensor) -> dict:
    grids = cams.numpy()
    cam_max = float(grids.max())
    shares = temporal_saliency(cams)
    overlays = [heatmap_overlay(frame, grid, cam_max) for frame, grid in zip(sampled.frames, grids)]
    frames = [
        {
            "position": slot,
            "index": sampled.indices[slot],
            "timestamp_s": round(sampled.timestamps_s[slot], 4),
            "score": round(score.frame_probabilities[slot], 6),
            "saliency": round(shares[slot], 6),
            "cam": [[round(float(v), CAM_DECIMALS) for v in row] for row in grids[slot]],
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
