"""Grad-CAM of the clip decision: Captum LayerGradCam on ResNet18's last conv block (layer4),
targeting the "fake" logit of the pooled clip, for every frame of the clip at once.

Because the clip logit depends on every frame through the temporal pooling, the gradient that
weights each frame's layer4 channels is the gradient of the *clip* decision: a frame's map shows
where it pushed the clip towards "fake", and its total mass says how much it did.
"""

from __future__ import annotations

import torch
from captum.attr import LayerGradCam

from model.network import DeepfakeDetector

LAYER_NAME = "backbone.layer4"


def clip_gradcam(detector: DeepfakeDetector, clip: torch.Tensor, relu: bool = True) -> torch.Tensor:
    """clip (T, 3, S, S) normalised -> CAM (T, h, w), h = w = S / 32 (7 at 224); >= 0 with `relu`
    (what is shown), signed without (what the sanity check compares)."""
    explainer = LayerGradCam(lambda clips: detector(clips).clip_logits, detector.backbone.layer4)
    with torch.inference_mode(False), torch.enable_grad():
        inputs = clip.unsqueeze(0).clone().requires_grad_(True)
        cams = explainer.attribute(inputs, relu_attributions=relu)
    return cams.detach().squeeze(1).float()


def temporal_saliency(cams: torch.Tensor) -> list[float]:
    """Each frame's share of the total CAM mass (sums to 1; all zeros when nothing points to fake)."""
    mass = cams.flatten(1).sum(dim=1)
    total = float(mass.sum())
    return [float(m) / total if total > 0 else 0.0 for m in mass]


def most_decisive(shares: list[float], count: int = 3) -> list[int]:
    """Positions (in the clip) of the frames with the largest shares, largest first."""
    ranked = sorted(range(len(shares)), key=lambda slot: shares[slot], reverse=True)
    return [slot for slot in ranked[:count] if shares[slot] > 0]
