"""`python -m analysis.sanity VIDEO... --checkpoint PTH`: the model parameter randomisation test of
"Sanity Checks for Saliency Maps" (Adebayo et al., 2018).

If Grad-CAM explained the model, its maps must change when the model's weights are replaced by
random ones. We compare the signed Grad-CAM of the trained network and of the same architecture
with every parameter re-initialised, frame by frame, by Spearman rank correlation: near 0 means
the maps depend on what the model learned; near 1 would mean they only reflect the input (an
edge detector would pass as an "explanation").
"""

from __future__ import annotations

import argparse
import copy
import sys
from pathlib import Path

import numpy as np
import torch
from scipy.stats import spearmanr

from model.checkpoint import CheckpointError, load_detector
from model.defaults import DEFAULT_CHECKPOINT
from model.errors import VideoInputError
from model.frames import sample_clip
from model.network import DeepfakeDetector
from model.preprocess import preprocess_clip
from serving.gradcam import clip_gradcam


def randomised_copy(detector: DeepfakeDetector, seed: int = 0) -> DeepfakeDetector:
    """Same architecture, every layer re-initialised (full randomisation, not cascading)."""
    torch.manual_seed(seed)
    clone = copy.deepcopy(detector)
    for module in clone.modules():
        if hasattr(module, "reset_parameters"):
            module.reset_parameters()
        if hasattr(module, "reset_running_stats"):
            module.reset_running_stats()
    return clone.eval()


def frame_rank_correlations(cams_a: torch.Tensor, cams_b: torch.Tensor) -> list[float]:
    """Spearman rho of each frame's two maps; a constant map correlates with nothing (0)."""
    values = []
    for a, b in zip(cams_a.flatten(1).numpy(), cams_b.flatten(1).numpy()):
        rho = spearmanr(a, b).statistic if np.ptp(a) > 0 and np.ptp(b) > 0 else 0.0
        values.append(float(rho))
    return values


def randomisation_test(detector: DeepfakeDetector, clips: list[torch.Tensor], seed: int = 0) -> dict:
    random_detector = randomised_copy(detector, seed)
    rhos = [
        rho
        for clip in clips
        for rho in frame_rank_correlations(
            clip_gradcam(detector, clip, relu=False), clip_gradcam(random_detector, clip, relu=False)
        )
    ]
    return {
        "mean_spearman": float(np.mean(rhos)),
        "mean_abs_spearman": float(np.mean(np.abs(rhos))),
        "frames": len(rhos),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis.sanity", description=__doc__.split("\n\n")[0])
    parser.add_argument("videos", nargs="+", type=Path)
    parser.add_argument("--checkpoint", type=Path, default=DEFAULT_CHECKPOINT)
    args = parser.parse_args(argv)
    try:
        detector, config, _ = load_detector(args.checkpoint)
        clips = [
            preprocess_clip(sample_clip(path.read_bytes(), config.num_frames).frames, config).tensor
            for path in args.videos
        ]
    except (CheckpointError, VideoInputError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    report = randomisation_test(detector, clips)
    print(
        f"model parameter randomisation test, {report['frames']} frames of {len(clips)} videos: "
        f"Spearman rho(trained CAM, randomised-weights CAM) mean {report['mean_spearman']:+.3f}, "
        f"mean |rho| {report['mean_abs_spearman']:.3f} (near 0: the maps depend on the learned weights)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
