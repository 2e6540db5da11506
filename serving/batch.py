"""One batch as it moves through preprocess -> inference -> postprocess, and what it measured.

Each request of the batch is one of four kinds, each holding only what it has: `Refused`
(unusable input, with the error), `Describe` (a {"describe": true} body), `Clip` (frames ready
for the network, after preprocess) and `Scored` (a Clip after inference, with its Grad-CAM when
it came on the explanations route). The batch carries its metrics and its forward time, shared
by its answers. (Its own module: TorchServe wants exactly one class in the handler entry file.)
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from model.errors import VideoInputError
from model.frames import SampledFrames
from model.inference import ClipScore
from serving.metrics import ServingMetrics


@dataclass(frozen=True)
class Refused:
    error: VideoInputError


@dataclass(frozen=True)
class Describe:
    pass


@dataclass(frozen=True)
class Clip:
    sampled: SampledFrames
    tensor: torch.Tensor  # (T, 3, S, S): what the network sees
    faces: list[dict] | None  # per-frame face crops, for models trained on them
    explain: bool  # came on the explanations route
    decode_s: float
    provenance: dict  # the upload's Content Credentials (serving/provenance.py)
    provenance_s: float


@dataclass(frozen=True)
class Cams:
    maps: torch.Tensor  # (T, h, w) Grad-CAM of the clip decision
    seconds: float


@dataclass(frozen=True)
class Scored:
    clip: Clip
    score: ClipScore
    cams: Cams | None  # only for requests on the explanations route


Request = Refused | Describe | Clip | Scored


@dataclass
class Batch:
    requests: list[Request]
    metrics: ServingMetrics  # built once per batch
    inference_s: float = 0.0  # the batch's one forward, shared by its answers

    def clips(self) -> list[Clip]:
        return [request for request in self.requests if isinstance(request, Clip)]

    def scored_count(self) -> int:
        return sum(isinstance(request, Scored) for request in self.requests)
