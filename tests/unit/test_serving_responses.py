"""The answer JSON: label, probability and confidence agree with the threshold; the verdict,
calibration and in-distribution fields follow the checkpoint's decision rule."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import torch

from model.config import ModelConfig
from model.errors import VideoInputError
from model.frames import sample_images
from model.in_distribution import fit_in_distribution
from model.inference import ClipScore
from model.verdict import DecisionRule
from serving.responses import (
    SYNTHETIC_DEMO_DATA,
    UNSTATED_TRAINING_DATA,
    model_description,
    model_summary,
    prediction,
    refusal,
    training_data,
)

MODEL = {"name": "deepfake", "version": "1.0", "arch": "resnet18-temporal-mean"}
FEATURE = np.zeros(8, np.float32)


def logit(probability: float) -> float:
    return math.log(probability / (1 - probability))


def score_of(probability: float, feature: np.ndarray = FEATURE) -> ClipScore:
    z = logit(probability)
    return ClipScore(probability, [probability] * 4, z, feature, frame_logits=[z] * 4)


def answer(probability: float, threshold: float = 0.5, rule: DecisionRule | None = None, feature=FEATURE) -> dict:
    sampled = sample_images([np.zeros((4, 6, 3), np.uint8)] * 4, 4, fps=2.0)
    rule = rule or DecisionRule.from_checkpoint({"threshold": threshold})
    return prediction(sampled, score_of(probability, feature), rule, MODEL, {"decode": 1.23, "inference": 4.56})


@pytest.mark.parametrize(
    ("probability", "threshold", "label", "confidence"),
    [
        (0.9, 0.5, "fake", 0.9),
        (0.2, 0.5, "real", 0.8),
        (0.5, 0.5, "fake", 0.5),
        (0.6, 0.7, "real", 0.4),
    ],
)
def test_label_and_confidence_follow_the_threshold(probability, threshold, label, confidence):
    result = answer(probability, threshold)
    assert result["label"] == label
    assert result["confidence"] == pytest.approx(confidence)
    assert result["threshold"] == threshold


@pytest.mark.parametrize(
    ("probability", "verdict"), [(0.9, "fake"), (0.55, "uncertain"), (0.45, "uncertain"), (0.1, "real")]
)
def test_an_older_checkpoint_answers_a_verdict_from_its_threshold_and_no_check(probability, verdict):
    result = answer(probability)
    assert result["verdict"] == verdict
    assert result["in_distribution"] == {"available": False, "score": None, "threshold": None, "ok": None}
    assert result["probability"] == result["probability_raw"] == pytest.approx(probability)


def test_probability_is_the_calibrated_one_and_frame_scores_share_its_map():
    rule = DecisionRule(threshold=0.5, band=(0.4, 0.6), calibration={"method": "temperature", "temperature": 2.0})
    result = answer(0.9, rule=rule)
    calibrated = 1 / (1 + math.exp(-logit(0.9) / 2.0))
    assert result["probability_raw"] == pytest.approx(0.9)
    assert result["probability"] == pytest.approx(calibrated, abs=1e-6)
    assert result["frames"]["scores"] == [pytest.approx(calibrated, abs=1e-6)] * 4
    assert result["verdict"] == "fake" and result["label"] == "fake"


def fitted_check() -> dict:
    rng = np.random.default_rng(0)
    familiar = rng.normal(0, 1, (200, 8))
    return fit_in_distribution(familiar, rng.integers(0, 2, 200), rng.normal(0, 1, (50, 8)), rng.normal(8, 1, (20, 8)))


def test_an_unfamiliar_clip_is_out_of_distribution_whatever_its_probability():
    rule = DecisionRule(threshold=0.5, band=(0.4, 0.6), in_distribution=fitted_check())
    familiar, foreign = answer(0.95, rule=rule), answer(0.95, rule=rule, feature=np.full(8, 8.0, np.float32))
    assert familiar["verdict"] == "fake" and familiar["in_distribution"]["ok"] is True
    assert foreign["verdict"] == "out_of_distribution" and foreign["in_distribution"]["ok"] is False
    assert foreign["label"] == "fake"  # the compatibility label stays the threshold's
    assert foreign["in_distribution"]["score"] > foreign["in_distribution"]["threshold"]
    json.dumps(foreign, allow_nan=False)


def test_frames_and_video_blocks():
    result = answer(0.3)
    assert result["frames"]["count"] == 4 and len(result["frames"]["scores"]) == 4
    assert result["frames"]["timestamps_s"] == [0.0, 0.5, 1.0, 1.5]
    assert result["video"]["width"] == 6 and result["video"]["height"] == 4
    assert result["timing_ms"] == {"decode": 1.2, "inference": 4.6}


@pytest.mark.parametrize(
    ("data", "trained_on", "demo"),
    [
        ({"trained_on": "FaceForensics++ c23", "demo": False}, "FaceForensics++ c23", False),
        ({"trained_on": SYNTHETIC_DEMO_DATA, "demo": True}, SYNTHETIC_DEMO_DATA, True),
        ({"synthetic": {"strength": 5}, "notice": "..."}, SYNTHETIC_DEMO_DATA, True),  # before issue 13
        ({"note": "random init, tests only"}, UNSTATED_TRAINING_DATA, False),
        ({}, UNSTATED_TRAINING_DATA, False),
    ],
)
def test_the_model_block_says_what_the_model_was_trained_on(data, trained_on, demo):
    assert training_data({"data": data}) == (trained_on, demo)
    summary = model_summary("deepfake", {"version": "1.0", "data": data}, ModelConfig())
    assert summary["trained_on"] == trained_on and summary["demo"] is demo


def test_the_description_summarises_the_decision_rule_without_its_state():
    check = fitted_check()
    meta = {
        "version": "1.0",
        "threshold": 0.31,
        "classes": ["real", "fake"],
        "metrics": {},
        "data": {"trained_on": SYNTHETIC_DEMO_DATA, "demo": True},
        "created": "now",
        "calibration": {"method": "isotonic", "temperature": 1.3, "isotonic": {"x": [0, 1, 2], "y": [0.1, 0.5, 0.9]}},
        "operating_point": {"threshold": 0.31, "uncertain_band": [0.2, 0.5], "target_fpr": 0.05},
        "in_distribution": check,
    }
    described = model_description("deepfake", meta, ModelConfig(), DecisionRule.from_checkpoint(meta))
    assert described["threshold"] == 0.31
    assert described["operating_point"] == {"available": True, **meta["operating_point"]}
    assert described["calibration"]["available"] and described["calibration"]["isotonic_steps"] == 3
    assert "isotonic" not in described["calibration"]
    assert described["in_distribution"]["method"] == check["method"] and "state" not in described["in_distribution"]
    json.dumps(described, allow_nan=False)  # no tensors: the state stays in the worker


def test_an_older_checkpoint_describes_its_implied_operating_point():
    meta = {"version": "1.0", "threshold": 0.5, "classes": ["real", "fake"], "metrics": {}, "data": {}, "created": ""}
    described = model_description("deepfake", meta, ModelConfig(), DecisionRule.from_checkpoint(meta))
    assert described["operating_point"]["available"] is False
    assert described["operating_point"]["uncertain_band"] == pytest.approx([0.4, 0.6])
    assert described["calibration"]["available"] is False and described["in_distribution"] == {"available": False}


@pytest.mark.parametrize(
    ("code", "status"),
    [("too_many_pixels", 413), ("too_long", 413), ("decode_timeout", 413), ("undecodable", 400), ("bad_json", 400)],
)
def test_refused_input_is_413_over_a_limit_and_400_otherwise(code, status):
    assert refusal(VideoInputError("why", code)) == (status, {"error": "why", "code": code})


def test_scores_of_the_one_scoring_function_carry_logit_and_feature_of_the_same_forward():
    from model.inference import score_clips
    from model.network import DeepfakeDetector

    torch.manual_seed(0)
    detector = DeepfakeDetector().eval()
    clips = [torch.randn(2, 3, 32, 32), torch.randn(2, 3, 32, 32)]
    scores = score_clips(detector, clips)
    with torch.inference_mode():
        output = detector(torch.stack(clips))
    for index, score in enumerate(scores):
        assert score.logit == pytest.approx(float(output.clip_logits[index]), abs=1e-4)
        assert score.probability == pytest.approx(1 / (1 + math.exp(-score.logit)), abs=1e-6)
        assert score.clip_feature.shape == (512,) and score.clip_feature.dtype == np.float32
        assert np.allclose(score.clip_feature, output.clip_features[index].numpy(), atol=1e-4)
        assert len(score.frame_logits) == 2
