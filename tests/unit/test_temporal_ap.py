"""Temporal localisation AP (LAV-DF / AV-Deepfake1M style) on hand-made predictions."""

from __future__ import annotations

import pytest

from analysis.temporal_ap import average_precision, proposals, temporal_iou


def test_temporal_iou():
    assert temporal_iou((0, 10), (5, 15)) == pytest.approx(5 / 15)
    assert temporal_iou((0, 1), (2, 3)) == 0.0 and temporal_iou((2, 8), (2, 8)) == 1.0


def test_a_perfect_ranking_is_one_and_a_miss_lowers_recall():
    truths = {"a": [(20.0, 26.0)], "b": [(5.0, 11.0)], "genuine": []}
    perfect = {"a": [(20, 26, 0.9)], "b": [(5, 11, 0.8)], "genuine": [(0, 4, 0.1)]}
    assert average_precision(perfect, truths, 0.5) == pytest.approx(1.0)
    missed = {"a": [(20, 26, 0.9)], "b": [(30, 36, 0.8)], "genuine": []}
    assert average_precision(missed, truths, 0.5) == pytest.approx(0.5)  # recall 1/2 at precision 1


def test_a_confident_false_positive_first_halves_precision_at_the_first_hit():
    truths = {"a": [(20.0, 26.0)]}
    ranked = {"a": [(20, 26, 0.5)], "genuine": [(0, 4, 0.9)]}
    assert average_precision(ranked, {**truths, "genuine": []}, 0.5) == pytest.approx(0.5)


def test_iou_thresholds_and_duplicates():
    truths = {"a": [(20.0, 26.0)]}
    loose = {"a": [(18, 26, 0.9)]}  # IoU 0.75
    assert average_precision(loose, truths, 0.5) == pytest.approx(1.0)
    assert average_precision(loose, truths, 0.8) == pytest.approx(0.0)
    duplicate = {"a": [(20, 26, 0.9), (20.5, 26, 0.8)]}  # the second match of one truth is a false positive
    assert average_precision(duplicate, truths, 0.5) == pytest.approx(1.0)
    assert average_precision({}, {"g": []}, 0.5) is None


def test_proposals_are_runs_of_windows_above_each_level():
    spans = [(0, 4), (2, 6), (4, 8), (6, 10), (8, 12)]
    probabilities = [0.1, 0.6, 0.9, 0.7, 0.2]
    found = sorted(proposals(spans, probabilities, [0.5, 0.8]))
    assert found == [(2, 10, 0.9), (4, 8, 0.9)]
