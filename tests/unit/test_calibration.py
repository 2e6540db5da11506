"""Calibration maps and ECE on synthetic scores whose true P(fake) is known."""

import numpy as np
import pytest

from model.calibration import (
    apply_isotonic,
    calibrate_logits,
    ece_noise_floor,
    expected_calibration_error,
    fit_calibration,
    fit_isotonic,
    fit_temperature,
    reliability_bins,
    sigmoid,
)


def overconfident_scores(count: int, stretch: float, seed: int = 0):
    """Labels drawn from sigmoid(z); the model reports z * stretch: overconfident when stretch > 1."""
    rng = np.random.default_rng(seed)
    z = rng.normal(0, 2, count)
    labels = (rng.random(count) < sigmoid(z)).astype(int)
    return z * stretch, labels


def test_temperature_recovers_the_stretch_of_overconfident_logits():
    logits, labels = overconfident_scores(20000, stretch=3.0)
    assert fit_temperature(logits, labels) == pytest.approx(3.0, rel=0.08)


def test_calibration_brings_ece_down_and_is_measured_out_of_fold():
    logits, labels = overconfident_scores(4000, stretch=4.0)
    calibration = fit_calibration(logits, labels, fitted_on="synthetic scores")
    assert calibration["ece_before"] > 0.1
    assert calibration["ece_after"] < 0.03
    assert set(calibration["compared"]) == {"raw", "temperature", "isotonic"}
    assert calibration["method"] in ("temperature", "isotonic")
    assert calibration["ece_after"] == calibration["compared"][calibration["method"]]["ece"]
    # the stored map applied to fresh scores of the same kind is calibrated too
    fresh_logits, fresh_labels = overconfident_scores(4000, stretch=4.0, seed=1)
    assert expected_calibration_error(calibrate_logits(fresh_logits, calibration), fresh_labels) < 0.04


def test_isotonic_is_monotone_and_never_certain():
    rng = np.random.default_rng(3)
    logits = rng.normal(0, 3, 500)
    labels = (logits + rng.normal(0, 2, 500) > 0).astype(int)
    isotonic = fit_isotonic(logits, labels)
    assert np.all(np.diff(isotonic["y"]) > 0) and np.all(np.diff(isotonic["x"]) > 0)
    mapped = apply_isotonic(np.linspace(-20, 20, 200), isotonic)
    assert np.all(np.diff(mapped) >= 0)
    assert 0 < mapped.min() and mapped.max() < 1


def test_isotonic_wins_where_temperature_cannot_fit_the_shape():
    # true P(fake) is a step at logit 1: no single temperature fits it, isotonic does
    rng = np.random.default_rng(5)
    logits = rng.uniform(-4, 4, 6000)
    labels = (rng.random(6000) < np.where(logits > 1, 0.9, 0.3)).astype(int)
    calibration = fit_calibration(logits, labels, fitted_on="step")
    assert calibration["method"] == "isotonic"
    assert calibration["compared"]["isotonic"]["ece"] < calibration["compared"]["temperature"]["ece"]


def test_without_calibration_the_plain_sigmoid_is_used():
    assert calibrate_logits([0.0, 2.0], None) == pytest.approx(sigmoid(np.array([0.0, 2.0])))
    assert calibrate_logits(2.0, {"method": "temperature", "temperature": 2.0}) == pytest.approx(sigmoid(1.0))
    with pytest.raises(ValueError, match="unknown calibration"):
        calibrate_logits(0.0, {"method": "platt"})


def test_ece_of_a_perfect_and_of_a_wrong_model():
    labels = np.array([0, 0, 1, 1])
    assert expected_calibration_error(np.array([0.0, 0.0, 1.0, 1.0]), labels) == 0.0
    assert expected_calibration_error(np.array([1.0, 1.0, 0.0, 0.0]), labels) == pytest.approx(1.0)
    rows = reliability_bins(np.array([0.05, 0.95]), np.array([0, 1]), bins=10)
    assert [row["count"] for row in rows] == [1, 1]


def test_ece_noise_floor_shrinks_with_clips_and_vanishes_for_certain_answers():
    """A perfectly calibrated model still shows an ECE on few clips; on 100 spread-out clips it
    is above the issue's 0.05 target, on 3,200 well under it."""
    rng = np.random.default_rng(1)
    few, many = rng.uniform(0, 1, 100), rng.uniform(0, 1, 3200)
    assert ece_noise_floor(few)["median"] > 0.05
    assert ece_noise_floor(many)["median"] < ece_noise_floor(few)["median"] / 3
    certain = ece_noise_floor(np.array([0.0, 1.0] * 50))
    assert certain["median"] == 0.0 and certain["p90"] == 0.0
    assert ece_noise_floor(np.zeros(0))["median"] is None


def test_calibration_refuses_too_few_clips_of_a_class():
    with pytest.raises(ValueError, match="at least"):
        fit_calibration(np.array([0.1, 0.2, 0.3]), np.array([0, 1, 1]), fitted_on="tiny")
