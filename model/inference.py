"""Score many clips at once: the frames of every clip in the batch go through the backbone
together (in bounded chunks), then each clip is pooled and classified on its own frames.

bf16 autocast (where model.precision.uses_bf16 says): measured P(fake) drift against fp32 is
under 0.001 on the shared videos (bench/README.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from model.network import DeepfakeDetector, probabilities


@dataclass(frozen=True)
class ClipScore:
    probability: float  # P(fake) of the pooled clip
    frame_probabilities: list[float]  # the head applied to each frame alone


def score_clips(
    detector: DeepfakeDetector,
    clips: list[torch.Tensor],
    chunk_frames: int,
    device: torch.device | str = "cpu",
    bf16: bool = False,
) -> list[ClipScore]:
    """clips: (T, 3, S, S) float tensors, all with the same T. One ClipScore per clip, same order."""
    if not clips:
        return []
    frames = torch.cat(clips).to(device).contiguous(memory_format=torch.channels_last)
    autocast = torch.autocast(torch.device(device).type, dtype=torch.bfloat16, enabled=bf16)
    with torch.inference_mode():
        with autocast:  # the backbone only: the head stays fp32, so probabilities keep their digits
            features = torch.cat([detector.embed_frames(chunk) for chunk in frames.split(chunk_frames)])
        output = detector.classify(features.float().view(len(clips), clips[0].shape[0], -1))
    clip_probabilities = probabilities(output.clip_logits).tolist()
    frame_probabilities = probabilities(output.frame_logits).tolist()
    return [ClipScore(p, frames_p) for p, frames_p in zip(clip_probabilities, frame_probabilities)]
