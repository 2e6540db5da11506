"""A tiny real training run (small images, few frames, few videos) through the CLI: it must
write a loadable .pth and every report file, deterministically for a seed."""

import json
import subprocess
import sys

import pytest
import torch
from torchvision.models import resnet18

from model.checkpoint import load_detector
from model.defaults import DEFAULT_PRECISION
from model.frames import sample_video
from model.inference import score_clips
from model.precision import uses_bf16
from model.preprocess import preprocess_clip
from tests.fixtures.media import REPO_ROOT
from train.__main__ import main as train_main

pytestmark = pytest.mark.slow

# --threads fixed: results depend on the thread count, which is otherwise chosen from the load.
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
    "0.25",
    "--workers",
    "1",
    "--threads",
    "1",
]
REPORT_SUFFIXES = ("report.json", "report.txt", "roc.png", "pr.png", "confusion.png", "curves.png")


def run_module(*args, timeout=240):
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=REPO_ROOT, capture_output=True, text=True, timeout=timeout, check=False
    )


def run_train(capsys, *args) -> tuple[int, str, str]:
    """The CLI's entry point in this process (saves a Python + torch start per run)."""
    code = train_main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def tiny_dataset(tmp_path_factory):
    folder = tmp_path_factory.mktemp("synth")
    result = run_module(
        "train.synth",
        str(folder),
        "--videos",
        "24",
        "--seed",
        "1",
        "--strength",
        "3",
        "--size",
        "64",
        "--clip-frames",
        "8",
    )
    assert result.returncode == 0, result.stderr
    return folder


@pytest.fixture(scope="module")
def trained(tiny_dataset, tmp_path_factory):
    checkpoint = tmp_path_factory.mktemp("run") / "deepfake.pth"
    result = run_module("train", "--data", str(tiny_dataset), "--out", str(checkpoint), *TINY)
    assert result.returncode == 0, result.stderr[-3000:]
    return checkpoint, result


def test_checkpoint_loads_at_the_trained_shape_and_scores_a_video(trained, tiny_dataset):
    checkpoint, _ = trained
    detector, config, metadata = load_detector(checkpoint)
    assert (config.num_frames, config.image_size) == (4, 64)
    assert metadata["classes"] == ["real", "fake"]
    assert metadata["data"]["layout"] == "plain"
    assert metadata["data"]["synthetic"]["strength"] == 3.0
    assert 0.0 <= metadata["metrics"]["validation"]["roc_auc"] <= 1.0
    frames = sample_video(tiny_dataset / "fake" / "pair00000.mp4", config.num_frames).frames
    with torch.inference_mode():
        output = detector(preprocess_clip(frames, config).tensor.unsqueeze(0))
    assert output.clip_logits.shape == (1,) and torch.isfinite(output.clip_logits).all()


def test_report_files_are_written_next_to_the_checkpoint(trained):
    checkpoint, result = trained
    for suffix in REPORT_SUFFIXES:
        path = checkpoint.with_name(f"deepfake.{suffix}")
        assert path.is_file() and path.stat().st_size > 0, suffix
        if suffix.endswith(".png"):
            assert path.read_bytes().startswith(b"\x89PNG")
    report = json.loads(checkpoint.with_name("deepfake.report.json").read_text())
    validation = report["validation"]
    for key in ("accuracy", "precision", "recall", "f1", "roc_auc", "confusion_matrix", "classification_report"):
        assert key in validation
    assert sum(map(sum, validation["confusion_matrix"]["rows_true_columns_predicted"])) == validation["videos"] == 6
    assert [row["epoch"] for row in report["history"]] == [1, 2]
    text = checkpoint.with_name("deepfake.report.txt").read_text()
    assert "ROC-AUC" in text and "DEMO MODEL" in text
    assert "validation ROC-AUC" in result.stdout


def test_validation_scores_are_the_served_paths(trained):
    """Validation P(fake) per video is what serving computes from the video file: the same
    sampling, preprocessing and model.inference.score_clips (head in fp32). Only batching may move
    the 6th decimal (validation scores clips together, this one clip at a time)."""
    checkpoint, _ = trained
    detector, config, _ = load_detector(checkpoint)
    validation = json.loads(checkpoint.with_name("deepfake.report.json").read_text())["predictions"]["validation"]
    for video in validation:
        clip = preprocess_clip(sample_video(video["path"], config.num_frames).frames, config).tensor
        served = score_clips(detector, [clip], bf16=uses_bf16(DEFAULT_PRECISION))[0].probability
        assert abs(served - video["p_fake"]) < 1e-5, video["path"]


def test_same_seed_gives_the_same_model(trained, tiny_dataset, tmp_path, capsys):
    checkpoint, _ = trained
    again = tmp_path / "again.pth"
    code, _, err = run_train(
        capsys, "--data", tiny_dataset, "--out", again, *TINY, "--cache-dir", checkpoint.parent / "frame_cache"
    )
    assert code == 0, err[-3000:]
    first = json.loads(checkpoint.with_name("deepfake.report.json").read_text())["predictions"]["validation"]
    second = json.loads(again.with_name("again.report.json").read_text())["predictions"]["validation"]
    assert first == second


def test_pretrained_backbone_file_is_used(tiny_dataset, tmp_path, capsys):
    state = resnet18(weights=None).state_dict()
    state["conv1.weight"].fill_(0.0123)  # a value random init never gives
    weights = tmp_path / "resnet18.pth"
    torch.save(state, weights)
    code, _, err = run_train(
        capsys,
        "--data",
        tiny_dataset,
        "--out",
        tmp_path / "p.pth",
        *TINY,
        "--epochs",
        "1",
        "--lr",
        "1e-9",
        "--pretrained",
        weights,
    )
    assert code == 0, err[-3000:]
    trained_conv1 = load_detector(tmp_path / "p.pth")[0].backbone.conv1.weight
    assert torch.allclose(trained_conv1, torch.full_like(trained_conv1, 0.0123), atol=1e-5)


def test_order_aware_temporal_encoder_trains_on_whole_clips(tiny_dataset, tmp_path, capsys):
    code, _, err = run_train(
        capsys, "--data", tiny_dataset, "--out", tmp_path / "g.pth", *TINY, "--epochs", "1", "--temporal", "gru"
    )
    assert code == 0, err[-3000:]
    _, config, metadata = load_detector(tmp_path / "g.pth")
    assert config.temporal == "gru" and config.num_frames == 4
    assert metadata["data"]["settings"]["temporal"] == "gru"


def test_bad_inputs_fail_with_a_clear_message(tmp_path, tiny_dataset, capsys):
    (tmp_path / "empty").mkdir()
    code, _, err = run_train(capsys, "--data", tmp_path / "empty", "--out", tmp_path / "x.pth", "--threads", "1")
    assert code == 2 and "cannot tell the layout" in err
    code, _, err = run_train(
        capsys,
        "--data",
        tiny_dataset,
        "--out",
        tmp_path / "x.pth",
        "--threads",
        "1",
        "--pretrained",
        tmp_path / "none.pth",
    )
    assert code == 2 and "not found" in err
    code, _, err = run_train(
        capsys, "--data", tiny_dataset, "--out", tmp_path / "x.pth", "--temporal", "tcn", "--train-frames", "1"
    )
    assert code == 2 and "--train-frames must equal --frames" in err
    assert not (tmp_path / "x.pth").exists()
