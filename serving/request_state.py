"""One request of a batch as it moves through preprocess -> inference -> postprocess.

(Its own module: TorchServe wants exactly one class in the handler entry file.)
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from model.errors import VideoInputError
from model.frames import SampledFrames

from model.inference import ClipScore


@dataclass
class RequestState:
    """One request of the batch as it moves through the steps."""

    explain: bool
    describe: bool = False
    sampled: SampledFrames | None = None
    clip: torch.Tensor | None = None
    faces: list[dict] | None = None  # per-frame face crops, for models trained on them
    decode_s: float = 0.0
    error: VideoInputError | None = None
    score: ClipScore | None = None
    cams: torch.Tensor | None = None
    explain_s: float = 0.0
    provenance: dict | None = None  # the upload's Content Credentials (serving/provenance.py)
    provenance_s: float = 0.0
