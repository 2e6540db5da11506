"""Starting weights for the frame backbone: a user's file, or torchvision's cached ImageNet file.

Nothing here downloads: this project runs where no model hub is reachable, so a missing file is
a clear error, never a hang or a half-finished download.
"""

from __future__ import annotations

import os
from pathlib import Path

import torch
from torch import nn
from torchvision.models import ResNet18_Weights

from model.defaults import IMAGENET


class PretrainedWeightsError(RuntimeError):
    pass


def torchvision_cache_path(weights: ResNet18_Weights = ResNet18_Weights.IMAGENET1K_V1) -> Path:
    """Where torch.hub keeps torchvision's file for these weights."""
    return Path(torch.hub.get_dir()) / "checkpoints" / os.path.basename(weights.url)


def read_backbone_state_dict(source: str | Path) -> dict:
    """A torchvision-format ResNet18 state_dict from a file, or from the torch cache for "imagenet"."""
    if str(source) == IMAGENET:
        path = torchvision_cache_path()
        if not path.is_file():
            raise PretrainedWeightsError(
                f"torchvision's ImageNet ResNet18 weights are not in the torch cache ({path}) and "
                "this project never downloads weights. Copy the file there, or pass "
                "--pretrained PATH to a torchvision-format resnet18 state_dict."
            )
    else:
        path = Path(source)
        if not path.is_file():
            raise PretrainedWeightsError(f"pretrained weights file not found: {path}")
    state = torch.load(path, map_location="cpu", weights_only=True)
    if isinstance(state, dict) and "state_dict" in state:
        state = state["state_dict"]
    if not isinstance(state, dict):
        raise PretrainedWeightsError(f"{path} does not hold a state_dict")
    return state


def load_backbone_weights(backbone: nn.Module, source: str | Path) -> None:
    """Load ResNet18 weights into the backbone; the ImageNet classifier (fc.*) is dropped."""
    state = {k: v for k, v in read_backbone_state_dict(source).items() if not k.startswith("fc.")}
    result = backbone.load_state_dict(state, strict=False)
    unexpected_or_missing = list(result.missing_keys) + list(result.unexpected_keys)
    if unexpected_or_missing:
        raise PretrainedWeightsError(
            f"{source} is not a torchvision resnet18 state_dict (mismatched keys: {unexpected_or_missing[:5]}...)"
        )
