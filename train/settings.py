"""The settings of a training run: one dataclass, whose fields' metadata is also the `python -m train` command line.

Each field is an option: `--<name with dashes>` (or its `flag`), parsed by `parse` (else by the
field's type), limited to `choices`, described by `help`; the help text adds the default itself
(or `shown` in its place), so no default is written twice.
"""

from __future__ import annotations

import argparse
from dataclasses import MISSING, dataclass, field
from pathlib import Path

from model.defaults import (
    DEFAULT_CHECKPOINT,
    DEFAULT_COVERAGE,
    DEFAULT_PRECISION,
    IMAGENET,
    PRECISIONS,
    TEMPORAL_ENCODER_NAMES,
)
from model.operating_point import DEFAULT_FPR_CONFIDENCE, DEFAULT_PRECISION_LEVEL, DEFAULT_TARGET_FPR
from train.datasets import LAYOUTS


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


def positive_float(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be > 0, got {value}")
    return value


def unit_fraction(text: str) -> float:
    value = float(text)
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"must be in [0, 1), got {value}")
    return value


def option(default, help: str, *, parse=None, choices=None, flag: str | None = None, shown: str | None = None):
    """A TrainSettings field that is also a command-line option (the field's default is the option's)."""
    metadata = {"help": help, "parse": parse, "choices": choices, "flag": flag, "shown": shown}
    return field(default=default, metadata=metadata)


@dataclass(frozen=True)
class TrainSettings:
    data: Path = option(MISSING, "dataset folder")
    out: Path = option(DEFAULT_CHECKPOINT, "checkpoint to write")
    layout: str = option("auto", "dataset layout", choices=("auto", *LAYOUTS), shown="detected")
    epochs: int = option(20, "passes over the training videos", parse=positive_int)
    frames: int = option(16, "frames sampled per video, as served", parse=positive_int)
    image_size: int = option(224, "frame side in pixels, as served", parse=positive_int)
    batch_size: int = option(32, "videos per step", parse=positive_int)
    lr: float = option(1e-3, "AdamW learning rate", parse=positive_float)
    weight_decay: float = option(0.05, "AdamW weight decay")
    val_split: float = option(0.2, "share of videos held out for validation")
    seed: int = option(0, "split, init and batch order")
    pretrained: str | None = option(
        None,
        f"backbone weights: a torchvision resnet18 state_dict file, or '{IMAGENET}' (torchvision's cached file)",
        shown="random init",
    )
    workers: int = option(2, "processes decoding videos into the frame cache", parse=positive_int)
    temporal: str = option("mean", "temporal encoder", choices=TEMPORAL_ENCODER_NAMES)
    face_crop: bool = option(False, "crop each frame to its main face (model/faces.py), in training and serving")
    train_frames: int | None = option(
        None, "frames per video per training step", parse=positive_int, shown="1 with mean pooling, else all --frames"
    )
    crop: int = option(0, "random square crop side at native scale for training", shown="0, the whole frame")
    eval_every: int = option(1, "validate every N epochs", parse=positive_int)
    patience: int = option(0, "early stop after N validations without a better ROC-AUC", shown="0, off")
    precision: str = option(
        DEFAULT_PRECISION, "forward pass; auto: bf16 autocast where the CPU has native bf16", choices=PRECISIONS
    )
    cache_dir: Path | None = option(None, "where sampled frames are cached", shown="frame_cache/ next to --out")
    time_limit_min: float | None = option(
        None,
        "stop after this many minutes, keeping the best checkpoint",
        parse=positive_float,
        flag="--time-limit",
        shown="no limit",
    )
    threads: int | None = option(
        None, "compute threads (results depend slightly on it)", parse=positive_int, shown="the cores idle at start"
    )
    augment: bool = option(
        False, "re-encode training clips at random JPEG/H.264 qualities and scales (robustness to compression)"
    )
    ffpp_quality: str | None = option(
        None, "FaceForensics++ only: use one quality folder (raw, c23, c40)", shown="every quality"
    )
    target_fpr: float = option(
        DEFAULT_TARGET_FPR,
        "the threshold calls at most this share of held-out genuine videos fake (chosen on half the validation split)",
        parse=positive_float,
    )
    fpr_confidence: float = option(
        DEFAULT_FPR_CONFIDENCE,
        "the threshold keeps the FPR under --target-fpr in this share of resampled mixes of the genuine videos' "
        "groups (0: the plain threshold)",
        parse=unit_fraction,
    )
    precision_level: float = option(
        DEFAULT_PRECISION_LEVEL,
        "the uncertain band reaches where held-out precision (of fake and of real answers) falls below this",
        parse=positive_float,
    )
    ood_coverage: float = option(
        DEFAULT_COVERAGE,
        "share of held-out videos the in-distribution check accepts (its threshold)",
        parse=positive_float,
    )

    def resolved_cache_dir(self) -> Path:
        return self.cache_dir or self.out.parent / "frame_cache"
