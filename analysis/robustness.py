"""`python -m analysis.robustness --checkpoint PATH [--data DIR]`: validation ROC-AUC of a trained
model per compression level (none / light / heavy, train/augment.py's LEVELS).

The validation split is the one the model was trained against: the split settings (data folder,
layout, --val-split, --seed) and the frame-cache settings are read from the checkpoint's `data`,
and `--data` / `--val-split` / `--seed` override them. Each validation clip's cached frames
(exactly what validation fed the network) are degraded in memory and scored by the training
loop's own `predict` (the served path, model.inference), so level "none" reproduces the
checkpoint's validation ROC-AUC. Prints a table and writes JSON (default: <checkpoint
stem>.robustness.json).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path

import numpy as np
import torch

from model.checkpoint import CheckpointError, load_detector
from model.config import ModelConfig
from model.defaults import DEFAULT_CHECKPOINT
from model.network import DeepfakeDetector
from model.precision import uses_bf16
from train.augment import LEVELS, Degradation, degrade_clip
from train.cache import CachedVideo, load_frames
from train.datasets import DatasetError
from train.loop import choose_threads, predict, prepare_data, video_labels
from train.metrics import compute_metrics
from train.settings import TrainSettings
from train.split import SplitError


class RobustnessError(ValueError):
    """The checkpoint does not say which data it was validated on, and no --data was given."""


def training_settings(
    checkpoint_data: dict, data: Path | None, val_split: float | None, seed: int | None
) -> TrainSettings:
    """The run's TrainSettings as stored in the checkpoint, with the command line's overrides."""
    stored = dict(checkpoint_data.get("settings") or {})
    if data is None and "data" not in stored:
        raise RobustnessError("the checkpoint does not record its training data: pass --data DIR")
    known = {f.name for f in fields(TrainSettings)}
    values = {key: value for key, value in stored.items() if key in known}
    overrides = {"data": data, "val_split": val_split, "seed": seed}
    values.update({key: value for key, value in overrides.items() if value is not None})
    for key in ("data", "out", "cache_dir"):
        if values.get(key) is not None:
            values[key] = Path(values[key])
    return TrainSettings(**values)


def degraded(degradation: Degradation) -> Callable[[CachedVideo], np.ndarray]:
    """A video's cached frames after `degradation`, made in memory."""
    return lambda video: degrade_clip(np.asarray(load_frames(video)), degradation)


def evaluate_levels(
    detector: DeepfakeDetector,
    config: ModelConfig,
    videos: list[CachedVideo],
    bf16: bool,
    threshold: float,
    levels: dict[str, Degradation] = LEVELS,
) -> dict:
    """Per level: what was done to the clips and the classification figures."""
    labels = video_labels(videos)
    results = {}
    for name, degradation in levels.items():
        scored = predict(detector, videos, config, bf16, f"scoring {degradation.describe()}", degraded(degradation))
        figures = compute_metrics(labels, scored, threshold)
        keep = ("videos", "roc_auc", "average_precision", "accuracy", "f1")
        results[name] = {"degradation": degradation.describe(), **{key: figures[key] for key in keep}}
    return results


def table(results: dict) -> str:
    lines = [f"{'level':<7} {'degradation':<24} {'ROC-AUC':>8} {'accuracy':>9}"]
    for name, row in results.items():
        auc = "n/a" if row["roc_auc"] is None else f"{row['roc_auc']:.4f}"
        lines.append(f"{name:<7} {row['degradation']:<24} {auc:>8} {row['accuracy']:>9.4f}")
    return "\n".join(lines)


def run(checkpoint: Path, data: Path | None, val_split: float | None, seed: int | None, threads: int | None) -> dict:
    detector, config, meta = load_detector(checkpoint)
    settings = training_settings(meta.get("data") or {}, data, val_split, seed)
    torch.set_num_threads(choose_threads(threads))
    videos = prepare_data(settings).val
    bf16 = uses_bf16(settings.precision)
    return {
        "checkpoint": str(checkpoint),
        "notice": (meta.get("data") or {}).get("notice"),
        "data_dir": str(settings.data),
        "split": {"val_split": settings.val_split, "seed": settings.seed},
        "checkpoint_validation_roc_auc": (meta.get("metrics") or {}).get("validation", {}).get("roc_auc"),
        "levels": evaluate_levels(detector, config, videos, bf16, float(meta["threshold"])),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m analysis.robustness",
        description="Validation ROC-AUC of a checkpoint per compression level (none / light / heavy).",
    )
    parser.add_argument("--checkpoint", type=Path, default=DEFAULT_CHECKPOINT)
    parser.add_argument(
        "--data", type=Path, default=None, help="dataset folder (default: the one the checkpoint was trained on)"
    )
    parser.add_argument("--val-split", type=float, default=None, help="default: the checkpoint's")
    parser.add_argument("--seed", type=int, default=None, help="split seed (default: the checkpoint's)")
    parser.add_argument("--threads", type=int, default=None, help="compute threads (default: the idle cores)")
    parser.add_argument("--out", type=Path, default=None, help="JSON file (default: <checkpoint stem>.robustness.json)")
    args = parser.parse_args(argv)
    try:
        result = run(args.checkpoint, args.data, args.val_split, args.seed, args.threads)
    except (CheckpointError, DatasetError, SplitError, RobustnessError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    out = args.out or args.checkpoint.with_name(f"{args.checkpoint.stem}.robustness.json")
    out.write_text(json.dumps(result, indent=1))
    print(table(result["levels"]))
    if result["notice"]:
        print(result["notice"])
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
