"""`python -m train --data DIR --out checkpoints/deepfake.pth [options]`: train the detector."""

from __future__ import annotations

import argparse
import sys
from dataclasses import MISSING, Field, fields
from typing import get_args, get_type_hints

from train.settings import TrainSettings


def build_parser(prog: str = "python -m train") -> argparse.ArgumentParser:
    """One option per TrainSettings field (train/settings.py): flags, types, choices and defaults come from it."""
    parser = argparse.ArgumentParser(
        prog=prog, description="Train the deepfake video detector; writes a .pth and a report next to it."
    )
    hints = get_type_hints(TrainSettings)
    for setting in fields(TrainSettings):
        flag = setting.metadata["flag"] or "--" + setting.name.replace("_", "-")
        parser.add_argument(flag, dest=setting.name, **argument_options(setting, hints[setting.name]))
    return parser


def argument_options(setting: Field, hint: object) -> dict:
    """argparse keywords for one TrainSettings field."""
    meta = setting.metadata
    if setting.default is MISSING:
        return {"required": True, "type": value_type(hint), "help": meta["help"]}
    shown = meta["shown"] or setting.default
    options = {"default": setting.default, "help": f"{meta['help']} (default: {shown})"}
    if hint is bool:
        return {**options, "action": "store_true", "help": meta["help"]}
    return {**options, "type": meta["parse"] or value_type(hint), "choices": meta["choices"]}


def value_type(hint: object) -> type:
    """Path for `Path | None`, int for `int`, ...: the type a command-line string becomes."""
    return next(arg for arg in get_args(hint) if arg is not type(None)) if get_args(hint) else hint


def main(argv: list[str] | None = None, prog: str = "python -m train") -> int:
    args = vars(build_parser(prog).parse_args(argv))
    return train(TrainSettings(**args))


def train(settings: TrainSettings) -> int:
    """Run one training and print where its checkpoint and report went; 2 on a clear error."""
    # torch and the data stack load here, once the command line is parsed: --help answers at once
    from model.faces import FaceDetectorUnavailable
    from model.pretrained import PretrainedWeightsError
    from train.datasets import DatasetError
    from train.distributed import TooFewBatches
    from train.loop import SettingsError, run_training
    from train.split import SplitError

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
    if result is None:  # a torchrun rank other than 0: rank 0 reports
        return 0
    validation = result.metrics["validation"]
    auc = validation["roc_auc"]
    print(
        f"wrote {result.checkpoint} (best epoch {result.metrics['best_epoch']}, validation ROC-AUC "
        f"{auc if auc is None else round(auc, 4)}, accuracy {validation['accuracy']:.4f})"
    )
    print("report: " + ", ".join(str(p) for p in result.report.values()))
    if result.summary["notice"]:
        print(result.summary["notice"])
    return 0


def console() -> int:
    """The `deepfake-train` console script (pyproject.toml [project.scripts])."""
    return main(prog="deepfake-train")


if __name__ == "__main__":
    sys.exit(main())
