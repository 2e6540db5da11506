"""The evaluation's own figures: EER, risk-coverage, per-set figures and source grouping."""

from pathlib import Path

import numpy as np
import pytest

from analysis.evaluation import equal_error_rate, figures, risk_coverage, source_of
from train.datasets import VideoItem


def test_equal_error_rate_of_separable_and_of_random_scores():
    labels = np.array([0, 0, 0, 1, 1, 1])
    assert equal_error_rate(labels, np.array([0.1, 0.2, 0.3, 0.7, 0.8, 0.9])) == 0.0
    rng = np.random.default_rng(0)
    many = rng.integers(0, 2, 4000)
    assert equal_error_rate(many, rng.random(4000)) == pytest.approx(0.5, abs=0.03)
    assert equal_error_rate(np.zeros(3, int), np.array([0.1, 0.2, 0.3])) is None


def test_risk_coverage_answers_the_most_confident_first_and_skips_unfamiliar():
    labels = np.array([0, 1, 0, 1])
    probabilities = np.array([0.01, 0.99, 0.45, 0.40])  # the last is wrong and least confident
    curve = risk_coverage(labels, probabilities, 0.5, np.array([True, True, True, True]))
    assert [row["coverage"] for row in curve] == [0.25, 0.5, 0.75, 1.0]
    assert curve[0]["risk"] == 0.0 and curve[-1]["risk"] == 0.25
    assert len(risk_coverage(labels, probabilities, 0.5, np.array([True, True, False, True]))) == 3


def test_figures_of_genuine_videos_only():
    result = figures(np.zeros(4, int), np.array([0.1, 0.2, 0.7, 0.3]), ["real", "real", "fake", "uncertain"], 0.5)
    assert result["roc_auc"] is None and result["fpr"] == 0.25 and result["verdict_fake_on_genuine"] == 0.25
    assert result["coverage"] == 0.75 and result["selective_accuracy"] == pytest.approx(2 / 3)
    assert result["verdicts"] == {"real": 2, "fake": 1, "uncertain": 1, "out_of_distribution": 0}


def test_sources_follow_the_layout():
    root = Path("/data")
    item = VideoItem(root / "real" / "cartoon" / "a.mp4", 0, "g")
    assert source_of(item, root, "plain") == "cartoon"
    assert source_of(VideoItem(root / "real" / "a.mp4", 0, "g"), root, "plain") == "(top level)"
    ffpp = VideoItem(root / "manipulated_sequences" / "Deepfakes" / "c23" / "videos" / "0_1.mp4", 1, "g")
    assert source_of(ffpp, root, "ffpp") == "Deepfakes"
    assert source_of(VideoItem(root / "phone" / "b.mov", 0, "g"), root, "genuine") == "phone"
