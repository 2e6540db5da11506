"""`python -m train.synth OUT_DIR --videos N --seed S`: a synthetic paired dataset (plain layout)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from train.synth.generate import SynthSettings, generate_dataset


def parse_args(argv: list[str] | None = None) -> SynthSettings:
    parser = argparse.ArgumentParser(
        prog="python -m train.synth",
        description="Write a synthetic labelled deepfake dataset: OUT_DIR/real/*.mp4, OUT_DIR/fake/*.mp4 "
        "(pairs share a file name), OUT_DIR/masks/*.npz (each fake's blend mask) and OUT_DIR/manifest.json.",
    )
    parser.add_argument("out_dir", type=Path, help="output folder (created; only files it wrote earlier are replaced)")
    parser.add_argument("--videos", type=int, required=True, help="number of videos, even: half real, half fake")
    parser.add_argument("--seed", type=int, default=0, help="same seed, same dataset (default 0)")
    parser.add_argument(
        "--strength",
        type=float,
        default=5.0,
        help="artifact strength: 0 = none, 1 ~ subtle self-blended fakes, 5 = obvious (default 5: what the demo model learns in minutes, see train/README.md)",
    )
    parser.add_argument("--size", type=int, default=224, help="frame width and height in pixels (default 224)")
    parser.add_argument("--clip-frames", type=int, default=24, help="frames per clip (default 24)")
    parser.add_argument("--fps", type=int, default=12, help="frame rate of the clips (default 12)")
    parser.add_argument(
        "--procedural",
        type=float,
        default=0.25,
        help="share of pairs drawn from procedural scenes instead of face photos (default 0.25)",
    )
    parser.add_argument("--workers", type=int, default=1, help="parallel processes (default 1)")
    parser.add_argument(
        "--flicker-only",
        action="store_true",
        help="fakes differ from their reals only over time: both carry the blended region, its strength drifting "
        "smoothly in the real and the same strengths shuffled in time in the fake (a per-frame model cannot win)",
    )
    args = parser.parse_args(argv)
    return SynthSettings(
        out_dir=args.out_dir,
        videos=args.videos,
        seed=args.seed,
        strength=args.strength,
        size=args.size,
        clip_frames=args.clip_frames,
        fps=args.fps,
        procedural_fraction=args.procedural,
        workers=args.workers,
        flicker_only=args.flicker_only,
    )


def main(argv: list[str] | None = None) -> int:
    settings = parse_args(argv)
    started = time.monotonic()
    try:
        manifest = generate_dataset(settings)
    except (ValueError, FileExistsError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(
        f"wrote {len(manifest['pairs'])} real/fake pairs to {settings.out_dir} "
        f"(strength {settings.strength}, {manifest['face_photos_found']} face photos) in {time.monotonic() - started:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
