"""`python -m train`'s options are TrainSettings' fields: same flags as ever, defaults from the dataclass."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pytest

from model.defaults import PRECISIONS
from model.temporal import TEMPORAL_ENCODERS
from train.__main__ import build_parser
from train.settings import TrainSettings

FLAGS = [
    "--data",
    "--out",
    "--layout",
    "--epochs",
    "--frames",
    "--image-size",
    "--batch-size",
    "--lr",
    "--weight-decay",
    "--val-split",
    "--seed",
    "--pretrained",
    "--workers",
    "--temporal",
    "--face-crop",
    "--train-frames",
    "--crop",
    "--eval-every",
    "--patience",
    "--precision",
    "--cache-dir",
    "--time-limit",
    "--threads",
    "--augment",
    "--ffpp-quality",
    "--target-fpr",
    "--fpr-confidence",
    "--precision-level",
    "--ood-coverage",
]


def test_every_setting_is_an_option_with_the_flags_of_before():
    options = {action.dest: action for action in build_parser()._actions if action.dest != "help"}
    assert set(options) == {setting.name for setting in fields(TrainSettings)}
    assert sorted(flag for action in options.values() for flag in action.option_strings) == sorted(FLAGS)


def test_parsed_defaults_are_the_dataclass_defaults():
    parsed = TrainSettings(**vars(build_parser().parse_args(["--data", "videos"])))
    assert parsed == TrainSettings(data=Path("videos"))


def test_choices_come_from_the_registries_and_values_are_checked():
    parser = build_parser()
    options = {action.dest: action for action in parser._actions}
    assert tuple(options["temporal"].choices) == tuple(TEMPORAL_ENCODERS)
    assert tuple(options["precision"].choices) == PRECISIONS
    parsed = parser.parse_args(["--data", "d", "--time-limit", "2.5", "--face-crop", "--train-frames", "3"])
    assert (parsed.time_limit_min, parsed.face_crop, parsed.train_frames, parsed.out) == (
        2.5,
        True,
        3,
        TrainSettings.out,
    )
    for bad in (["--epochs", "0"], ["--lr", "-1"], ["--temporal", "lstm"], ["--precision", "fp16"]):
        with pytest.raises(SystemExit):
            parser.parse_args(["--data", "d", *bad])


@pytest.mark.parametrize("module", ["train", "analysis.evaluate"])
def test_help_answers_without_loading_torch(module):
    """--help parses the options alone: torch, torchvision and sklearn load only for real work."""
    code = (
        f"import runpy, sys\nsys.argv = [{module!r}, '--help']\n"
        f"try:\n    runpy.run_module({module!r}, run_name='__main__')\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('torch', 'torchvision', 'sklearn') if m in sys.modules), file=sys.stderr)"
    )
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=root, timeout=60, check=False
    )
    assert "usage:" in result.stdout
    assert result.stderr.strip().splitlines()[-1] == "[]"
