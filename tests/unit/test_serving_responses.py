"""The answer JSON: label, probability and confidence agree with the threshold."""

from __future__ import annotations

import numpy as np
import pytest

from model.errors import VideoInputError
from model.frames import sample_images
from model.inference import ClipScore
from serving.responses import prediction, refusal

MODEL = {"name": "deepfake", "version": "1.0", "arch": "resnet18-temporal-mean"}


def answer(probability: float, threshold: float = 0.5) -> dict:
    sampled = sample_images([np.zeros((4, 6, 3), np.uint8)] * 4, 4, fps=2.0)
    score = ClipScore(probability, [probability] * 4)
    return prediction(sampled, score, threshold, MODEL, {"decode": 1.23, "inference": 4.56})


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


def test_frames_and_video_blocks():
    result = answer(0.3)
    assert result["frames"]["count"] == 4 and len(result["frames"]["scores"]) == 4
    assert result["frames"]["timestamps_s"] == [0.0, 0.5, 1.0, 1.5]
    assert result["video"]["width"] == 6 and result["video"]["height"] == 4
    assert result["timing_ms"] == {"decode": 1.2, "inference": 4.6}


@pytest.mark.parametrize(
    ("code", "status"),
    [("too_many_pixels", 413), ("too_long", 413), ("decode_timeout", 413), ("undecodable", 400), ("bad_json", 400)],
)
def test_refused_input_is_413_over_a_limit_and_400_otherwise(code, status):
    assert refusal(VideoInputError("why", code)) == (status, {"error": "why", "code": code})
