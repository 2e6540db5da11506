"""`python -m train --data DIR --out checkpoints/deepfake.pth [options]`: train the detector."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from model.config import TEMPORAL_KINDS
from model.faces import FaceDetectorUnavailable
from model.pretrained import IMAGENET, PretrainedWeightsError

from .datasets import LAYOUTS, DatasetError
from .distributed import TooFewBatches
from .loop import SettingsError, TrainSettings, run_training
from .split import SplitError


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be > 0, got {value}")
    return value


def build_parser(prog: str = "python -m train") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog, description="Train the deepfake video detector; writes a .pth and a report next to it."
    )
    parser.add_argument("--data", type=Path, required=True, help="dataset folder")
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("checkpoints/deepfake.pth"),
        help="checkpoint to write (default checkpoints/deepfake.pth)",
    )
    parser.add_argument(
        "--layout", choices=("auto",) + LAYOUTS, default="auto", help="dataset layout (default: detected)"
    )
    parser.add_argument("--epochs", type=_positive_int, default=20, help="passes over the training videos (default 20)")
    parser.add_argument(
        "--frames", type=_positive_int, default=16, help="frames sampled per video, as served (default 16)"
    )
    parser.add_argument(
        "--image-size", type=_positive_int, default=224, help="frame side in pixels, as served (default 224)"
    )
    parser.add_argument("--batch-size", type=_positive_int, default=32, help="videos per step (default 32)")
    parser.add_argument("--lr", type=_positive_float, default=1e-3, help="AdamW learning rate (default 1e-3)")
    parser.add_argument("--weight-decay", type=float, default=0.05, help="AdamW weight decay (default 0.05)")
    parser.add_argument(
        "--val-split", type=float, default=0.2, help="share of videos held out for validation (default 0.2)"
    )
    parser.add_argument("--seed", type=int, default=0, help="split, init and batch order (default 0)")
    parser.add_argument(
        "--pretrained",
        default=None,
        help=f"backbone weights: a torchvision resnet18 state_dict file, or '{IMAGENET}' (torchvision's cached file); default: random init",
    )
    parser.add_argument(
        "--workers", type=_positive_int, default=2, help="processes decoding videos into the frame cache (default 2)"
    )
    parser.add_argument("--temporal", choices=TEMPORAL_KINDS, default="mean", help="temporal encoder (default mean)")
    parser.add_argument(
        "--face-crop",
        action="store_true",
        help="crop each frame to its main face (model/faces.py), in training and serving",
    )
    parser.add_argument(
        "--train-frames",
        type=_positive_int,
        default=None,
        help="frames per video per training step (default: 1 with mean pooling, else all --frames)",
    )
    parser.add_argument(
        "--crop",
        type=int,
        default=0,
        help="random square crop side at native scale for training (default 0: whole frame)",
    )
    parser.add_argument("--eval-every", type=_positive_int, default=1, help="validate every N epochs (default 1)")
    parser.add_argument(
        "--patience",
        type=int,
        default=0,
        help="early stop after N validations without a better ROC-AUC (default 0: off)",
    )
    parser.add_argument(
        "--precision",
        choices=("auto", "bf16", "fp32"),
        default="auto",
        help="auto: bf16 autocast where the CPU has native bf16",
    )
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=None,
        help="where sampled frames are cached (default: frame_cache/ next to --out)",
    )
    parser.add_argument(
        "--time-limit",
        type=_positive_float,
        default=None,
        dest="time_limit_min",
        help="stop after this many minutes, keeping the best checkpoint",
    )
    parser.add_argument(
        "--threads",
        type=_positive_int,
        default=None,
        help="compute threads (default: the cores idle at start; results depend slightly on it)",
    )
    parser.add_argument(
        "--augment",
        action="store_true",
        help="re-encode training clips at random JPEG/H.264 qualities and scales (robustness to compression)",
    )
    parser.add_argument(
        "--ffpp-quality", default=None, help="FaceForensics++ only: use one quality folder (raw, c23, c40)"
    )
    return parser


def main(argv: list[str] | None = None, prog: str = "python -m train") -> int:
    args = vars(build_parser(prog).parse_args(argv))
    settings = TrainSettings(**args)
    try:
        result = run_training(settings)
    except (
        DatasetError,
        SplitError,
        PretrainedWeightsError,
        FaceDetectorUnavailable,
        SettingsError,
        TooFewBatches,
    ) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if result["checkpoint"] is None:  # a torchrun rank other than 0: rank 0 reports
        return 0
    validation = result["metrics"]["validation"]
    auc = validation["roc_auc"]
    print(
        f"wrote {result['checkpoint']} (best epoch {result['metrics']['best_epoch']}, validation ROC-AUC {auc if auc is None else round(auc, 4)}, accuracy {validation['accuracy']:.4f})"
    )
    print("report: " + ", ".join(str(p) for p in result["report"].values()))
    if result["summary"]["notice"]:
        print(result["summary"]["notice"])
    return 0


def console() -> int:
    """The `deepfake-train` console script (pyproject.toml [project.scripts])."""
    return main(prog="deepfake-train")


if __name__ == "__main__":
    sys.exit(main())
