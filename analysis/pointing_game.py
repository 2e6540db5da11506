"""`python -m analysis.pointing_game DATA_DIR --checkpoint PTH`: does Grad-CAM point at the fake?

On synthetic fakes (`python -m train.synth`: DATA_DIR/fake/pairK.mp4 with the blend mask of every
frame in DATA_DIR/masks/pairK.npz), for each sampled frame: the share of the CAM's mass that
falls inside the manipulated region (mask weight > 0.5) against the region's share of the
frame. A map that ignores the manipulation scores its area share on average; one that points at
it scores more. Also the classic pointing game: is the CAM's peak inside the region?
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import cv2
import numpy as np

from model.checkpoint import CheckpointError, load_detector
from model.config import ModelConfig
from model.defaults import DEFAULT_CHECKPOINT
from model.frames import sample_clip
from model.network import DeepfakeDetector
from model.preprocess import preprocess_clip
from serving.gradcam import clip_gradcam

MASK_THRESHOLD = 127  # uint8 blend weight: more than half the manipulated copy


def frame_pointing(cam: np.ndarray, mask: np.ndarray) -> tuple[float, float, bool] | None:
    """(CAM mass share inside the mask, mask area share, peak inside) for one frame; None when
    the CAM is empty or the frame has no manipulated region."""
    inside = mask > MASK_THRESHOLD
    if not inside.any():
        return None
    heat = np.clip(
        cv2.resize(cam.astype(np.float32), (mask.shape[1], mask.shape[0]), interpolation=cv2.INTER_LINEAR), 0, None
    )
    total = float(heat.sum())
    if total <= 0:
        return None
    peak = np.unravel_index(int(np.argmax(heat)), heat.shape)
    return float(heat[inside].sum()) / total, float(inside.mean()), bool(inside[peak])


def video_pointing(
    detector: DeepfakeDetector, config: ModelConfig, video: Path, masks: np.ndarray
) -> list[tuple[float, float, bool]]:
    sampled = sample_clip(video.read_bytes(), config.num_frames)
    cams = clip_gradcam(detector, preprocess_clip(sampled.frames, config).tensor).numpy()
    results = (frame_pointing(cam, masks[min(index, len(masks) - 1)]) for cam, index in zip(cams, sampled.indices))
    return [result for result in results if result is not None]


def pointing_game(
    detector: DeepfakeDetector, config: ModelConfig, data_dir: Path, max_videos: int | None = None
) -> dict:
    fakes = sorted((data_dir / "fake").glob("*.mp4"))[:max_videos]
    results = []
    for video in fakes:
        with np.load(data_dir / "masks" / f"{video.stem}.npz") as stored:
            results += video_pointing(detector, config, video, stored["mask"])
    if not results:
        raise ValueError(f"no fake frame with a mask and a non-empty CAM under {data_dir}")
    mass, area, hits = (np.array(column, dtype=np.float64) for column in zip(*results))
    return {
        "videos": len(fakes),
        "frames": len(results),
        "cam_mass_in_region": float(mass.mean()),
        "region_area_share": float(area.mean()),
        "mass_over_area": float(mass.mean() / area.mean()),
        "peak_in_region": float(hits.mean()),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis.pointing_game", description=__doc__.split("\n\n")[0])
    parser.add_argument("data_dir", type=Path, help="a train.synth folder (fake/, masks/)")
    parser.add_argument("--checkpoint", type=Path, default=DEFAULT_CHECKPOINT)
    parser.add_argument("--max-videos", type=int, default=None)
    args = parser.parse_args(argv)
    try:
        detector, config, _ = load_detector(args.checkpoint)
        report = pointing_game(detector, config, args.data_dir, args.max_videos)
    except (CheckpointError, ValueError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(
        f"pointing game on {report['frames']} frames of {report['videos']} synthetic fakes: "
        f"{report['cam_mass_in_region']:.1%} of the Grad-CAM mass lies in the manipulated region, "
        f"which covers {report['region_area_share']:.1%} of the frame ({report['mass_over_area']:.2f}x); "
        f"the CAM peak is inside it in {report['peak_in_region']:.1%} of frames"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
