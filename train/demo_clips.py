"""`python -m train.demo_clips --out DIR`: more clips like the demo model's held-out ones, to
measure a demo model on more clips than its report has.

The demo's own report (train/demo.py) fits its decision on one half of its validation and held-out
clips and reports on the other half: a few hundred clips, on which ROC-AUC moves by a few hundredths
and ECE cannot be told from noise below ~0.06 (~0.11 on the 100 of older demo runs). These clips come
from other seeds, so the model and its decision have seen none of them; score them with
`python -m analysis.evaluate --checkpoint PTH --data DIR` (plain layout, grouped by scene kind).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from train.demo import DemoRecipe
from train.synth.clips import ClipSettings, write_clips

PARTS = {"validation": "train", "heldout": "heldout"}  # option -> SceneCatalog part
DEFAULT_SEED = 5000  # the demo's own clips use seed + 1000 and seed + 2000 with seed 0


def parse_args(argv: list[str] | None) -> tuple[ClipSettings, int]:
    recipe = DemoRecipe()
    parser = argparse.ArgumentParser(prog="python -m train.demo_clips", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="output folder (plain layout + manifest.json)")
    parser.add_argument(
        "--part",
        choices=sorted(PARTS),
        default="validation",
        help="validation: the trained scene sources, new views; heldout: the held-out sources and kinds "
        "(default %(default)s)",
    )
    parser.add_argument("--pairs", type=int, default=400, help="real/fake pairs (default %(default)s)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="(default %(default)s)")
    parser.add_argument("--genuine-only", action="store_true", help="write the real clips alone (an FPR set)")
    parser.add_argument("--size", type=int, default=recipe.image_size, help="served side (default %(default)s)")
    parser.add_argument("--frames", type=int, default=recipe.clip_frames, help="frames per clip (default %(default)s)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes (default: the CPUs)")
    args = parser.parse_args(argv)
    if args.pairs < 1:
        parser.error("--pairs must be at least 1")
    settings = ClipSettings(
        args.out,
        PARTS[args.part],
        args.pairs,
        args.seed,
        size=args.size,
        frames=args.frames,
        strength=recipe.strength,
        genuine_only=args.genuine_only,
    )
    return settings, max(1, args.workers)


def main(argv: list[str] | None = None) -> int:
    settings, workers = parse_args(argv)
    started = time.monotonic()
    manifest = write_clips(settings, workers=workers)
    print(
        f"wrote {len(manifest['pairs'])} {'genuine clips' if settings.genuine_only else 'pairs'} to {settings.out_dir} "
        f"in {time.monotonic() - started:.0f} s; score them: python -m analysis.evaluate --checkpoint PTH --data "
        f"{settings.out_dir}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
