"""`train.demo`'s pipeline shrunk to a test: held-out clips written in the background, training
on fresh pairs, scoring through the served path, calibration + operating point + in-distribution
check fitted and stored. The stored check must call a flat-colour video unfamiliar (its
flat-input gate does: a weakly trained model's features alone do not)."""

import json

import numpy as np
import pytest
import torch

from model.checkpoint import load_detector
from model.defaults import DEFAULT_PRECISION
from model.frames import sample_video
from model.inference import score_clips
from model.precision import uses_bf16
from model.preprocess import preprocess_clip
from model.verdict import DecisionRule
from train.demo import DemoRecipe, build_demo
from train.synth.clips import write_video

pytestmark = pytest.mark.slow

TINY = DemoRecipe(
    image_size=48,
    num_frames=4,
    steps=12,
    time_limit_s=None,
    validation_pairs=12,
    heldout_pairs=8,
    clip_frames=6,
    pairs_per_step=8,
    crop=32,
)


@pytest.fixture(scope="module")
def tiny_demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    result = build_demo(folder / "demo.pth", folder / "data", TINY, threads=1)
    return folder, result


def test_checkpoint_stores_a_fitted_decision_and_a_report(tiny_demo):
    folder, _result = tiny_demo
    _, config, meta = load_detector(folder / "demo.pth")  # weights_only=True inside
    assert (config.image_size, config.num_frames) == (48, 4)
    assert meta["data"]["trained_on"] == "synthetic demo data" and meta["data"]["demo"] is True
    assert meta["calibration"]["method"] in ("temperature", "isotonic")
    point = meta["operating_point"]
    assert meta["threshold"] == point["threshold"] and point["target_fpr"] == 0.05
    assert point["uncertain_band"][0] <= point["threshold"] <= point["uncertain_band"][1]
    assert meta["in_distribution"]["method"] in ("mahalanobis", "knn")
    assert set(meta["in_distribution"]["compared"]) == {"mahalanobis", "knn"}
    report = json.loads((folder / "demo.report.json").read_text())
    assert report["figures"]["synthetic_validation"]["clips"] > 0
    assert report["figures"]["heldout_genuine_content_reals"]["fake"] == 0
    floor = report["figures"]["synthetic_validation"]["ece_noise_floor"]
    assert floor["median"] is not None and floor["median"] <= floor["p90"]
    assert "a perfectly calibrated model would show ECE" in (folder / "demo.report.txt").read_text()
    for name in ("report.txt", "reliability.png", "roc.png", "pr.png"):
        assert (folder / f"demo.{name}").stat().st_size > 0


def test_a_flat_colour_video_is_out_of_distribution(tiny_demo, tmp_path):
    folder, _ = tiny_demo
    detector, config, meta = load_detector(folder / "demo.pth")
    rule = DecisionRule.from_checkpoint(meta)
    video = tmp_path / "flat.mp4"
    write_video(video, [np.full((120, 160, 3), (90, 140, 200), np.uint8)] * 12, 12, "h264", 0.8)
    sampled = sample_video(video, config.num_frames)
    clip = preprocess_clip(sampled.frames, config).tensor
    with torch.inference_mode():
        score = score_clips(detector, [clip], bf16=uses_bf16(DEFAULT_PRECISION))[0]
    decision = rule.decide(score.logit, score.clip_feature, score.texture)
    assert decision.in_distribution["available"] and decision.in_distribution["ok"] is False
    assert decision.verdict == "out_of_distribution"
