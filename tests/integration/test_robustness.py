"""A tiny real training run with --augment, then `python -m analysis.robustness` on its checkpoint:
validation ROC-AUC per compression level, level "none" equal to the checkpoint's own figure."""

import json
import subprocess
import sys

import pytest

from analysis.robustness import main as robustness_main
from model.checkpoint import load_detector, save_checkpoint
from model.config import ModelConfig
from model.network import build_detector
from tests.fixtures.media import REPO_ROOT
from train.__main__ import main as train_main

pytestmark = pytest.mark.slow

TINY = [
    "--epochs",
    "2",
    "--frames",
    "4",
    "--image-size",
    "64",
    "--batch-size",
    "8",
    "--val-split",
    "0.3",
    "--workers",
    "1",
    "--threads",
    "1",
]


@pytest.fixture(scope="module")
def augmented_model(tmp_path_factory):
    data = tmp_path_factory.mktemp("synth")
    synth = subprocess.run(
        [
            sys.executable,
            "-m",
            "train.synth",
            str(data),
            "--videos",
            "20",
            "--seed",
            "4",
            "--strength",
            "3",
            "--size",
            "64",
            "--clip-frames",
            "6",
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert synth.returncode == 0, synth.stderr
    checkpoint = tmp_path_factory.mktemp("run") / "deepfake.pth"
    assert train_main(["--data", str(data), "--out", str(checkpoint), *TINY, "--augment"]) == 0
    return checkpoint


def test_augmented_training_is_recorded_in_the_checkpoint(augmented_model):
    _, _, metadata = load_detector(augmented_model)
    assert metadata["data"]["settings"]["augment"] is True


def test_reports_auc_per_compression_level(augmented_model, capsys):
    assert robustness_main(["--checkpoint", str(augmented_model), "--threads", "1"]) == 0
    out = capsys.readouterr().out
    result = json.loads(augmented_model.with_name("deepfake.robustness.json").read_text())
    levels = result["levels"]
    assert list(levels) == ["none", "light", "heavy"]
    assert levels["light"]["degradation"] == "JPEG q=75"
    assert levels["heavy"]["degradation"] == "JPEG q=30 + 0.5x scale"
    validation_videos = load_detector(augmented_model)[2]["metrics"]["validation"]["videos"]
    for row in levels.values():
        assert row["videos"] == validation_videos
        assert 0.0 <= row["roc_auc"] <= 1.0
    assert levels["none"]["roc_auc"] == pytest.approx(result["checkpoint_validation_roc_auc"], abs=1e-6)
    assert "heavy" in out and "DEMO MODEL" in out


def test_bad_checkpoints_fail_with_a_clear_message(tmp_path, capsys):
    assert robustness_main(["--checkpoint", str(tmp_path / "missing.pth")]) == 2
    assert "not found" in capsys.readouterr().err
    config = ModelConfig(num_frames=2, image_size=32)
    save_checkpoint(tmp_path / "bare.pth", build_detector(config), config)  # no training settings recorded
    assert robustness_main(["--checkpoint", str(tmp_path / "bare.pth")]) == 2
    assert "pass --data" in capsys.readouterr().err
