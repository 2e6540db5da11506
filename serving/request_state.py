"""One request of a batch as it moves through preprocess -> inference -> postprocess.

(Its own module: TorchServe wants exactly one class in the handler entry file.)
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from model.coverage import CoveragePlan, CoverageResult
from model.errors import VideoInputError
from model.face_tracks import TrackClip
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
    tracks: list[TrackClip] | None = None  # face-crop models: every counted face track
    track_scores: list[ClipScore] | None = None
    face_counts: list[int] | None = None  # faces found per sampled frame
    payload: object | None = None  # coverage requests: decoded in the inference step, with the network
    coverage: CoveragePlan | None = None
    covered: CoverageResult | None = None
