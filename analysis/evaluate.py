"""`python -m analysis.evaluate --checkpoint PTH --data DIR [--layout ...]`: the command line of
analysis/evaluation.py (a trained model on any labelled folder, scored as served, every figure
grouped by source; JSON, text and PNG plots). torch loads only once the command line is parsed,
so `--help` answers at once.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from train.datasets import GENUINE_ONLY_LAYOUT, LAYOUTS


def build_parser(prog: str = "python -m analysis.evaluate") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Score a labelled video folder with a checkpoint, as served, and report the figures.",
    )
    parser.add_argument("--checkpoint", type=Path, required=True, help="the .pth to evaluate")
    parser.add_argument("--data", type=Path, required=True, help="the video folder")
    parser.add_argument(
        "--layout",
        choices=("auto", *LAYOUTS, GENUINE_ONLY_LAYOUT),
        default="auto",
        help="dataset layout (default: detected; a folder without real/ and fake/ is genuine videos only)",
    )
    parser.add_argument("--ffpp-quality", default=None, help="FaceForensics++ only: raw, c23 or c40")
    parser.add_argument(
        "--out", type=Path, default=None, help="output folder (default: <checkpoint stem>.eval-<data folder name>/)"
    )
    parser.add_argument("--threads", type=int, default=None, help="compute threads (default: torch's)")
    return parser


def main(argv: list[str] | None = None, prog: str = "python -m analysis.evaluate") -> int:
    args = build_parser(prog).parse_args(argv)
    from analysis.evaluation import evaluate, write_outputs
    from model.checkpoint import CheckpointError
    from train.datasets import DatasetError

    try:
        result = evaluate(args.checkpoint, args.data, args.layout, args.ffpp_quality, args.threads)
    except (CheckpointError, DatasetError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if not result["videos"]:
        print(f"error: none of the videos under {args.data} could be decoded", file=sys.stderr)
        return 2
    out_dir = args.out or args.checkpoint.with_suffix("").parent / f"{args.checkpoint.stem}.eval-{args.data.name}"
    paths = write_outputs(result, out_dir)
    print(paths["txt"].read_text(), end="")
    print("wrote " + ", ".join(str(p) for p in paths.values()))
    return 0


def console() -> int:
    """The `deepfake-evaluate` console script (pyproject.toml): the same options."""
    return main(prog="deepfake-evaluate")


if __name__ == "__main__":
    sys.exit(main())
