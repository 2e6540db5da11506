"""The in-distribution check on synthetic features: fit, threshold at a coverage, compare, store."""

import io

import numpy as np
import pytest
import torch

from model.in_distribution import (
    check,
    fit_in_distribution,
    fit_knn,
    fit_mahalanobis,
    knn_scores,
    ledoit_wolf,
    mahalanobis_scores,
    ood_score,
    threshold_at_coverage,
)

DIM = 32


def familiar_features(count: int, seed: int = 0):
    """Two classes on a low-dimensional subspace of the feature space, as trained features are."""
    rng = np.random.default_rng(seed)
    basis = np.random.default_rng(100).normal(size=(4, DIM))
    labels = rng.integers(0, 2, count)
    latent = rng.normal(size=(count, 4)) + labels[:, None] * 2.0
    return latent @ basis + 0.05 * rng.normal(size=(count, DIM)), labels


def test_ledoit_wolf_matches_scikit_learn_and_shrinks_more_when_samples_are_few():
    from sklearn.covariance import ledoit_wolf as reference

    rng = np.random.default_rng(0)
    scales = np.linspace(0.2, 3.0, 50)
    few, many = rng.normal(size=(20, 50)) * scales, rng.normal(size=(5000, 50)) * scales
    covariance, shrinkage = ledoit_wolf(torch.from_numpy(few - few.mean(0)))
    expected_covariance, expected_shrinkage = reference(few - few.mean(0), assume_centered=True)
    assert shrinkage == pytest.approx(expected_shrinkage, rel=1e-6)
    assert np.allclose(covariance.numpy(), expected_covariance)
    assert shrinkage > ledoit_wolf(torch.from_numpy(many - many.mean(0)))[1]


def test_both_measures_score_foreign_features_higher():
    train, labels = familiar_features(800)
    heldout, _ = familiar_features(200, seed=1)
    foreign = np.random.default_rng(2).normal(size=(50, DIM)) * 3
    for state, scorer in ((fit_mahalanobis(train, labels), mahalanobis_scores), (fit_knn(train), knn_scores)):
        assert scorer(foreign, state).min() > np.quantile(scorer(heldout, state).numpy(), 0.9)


def test_threshold_keeps_the_stated_coverage_of_held_out_clips():
    scores = np.random.default_rng(0).exponential(size=1000)
    threshold = threshold_at_coverage(scores, 0.99)
    assert (scores <= threshold).mean() == pytest.approx(0.99, abs=0.002)
    with pytest.raises(ValueError):
        threshold_at_coverage(scores, 0.0)


def test_fit_compares_both_keeps_one_and_flags_foreign_clips():
    train, labels = familiar_features(800)
    heldout, _ = familiar_features(300, seed=1)
    foreign = np.random.default_rng(2).normal(size=(40, DIM)) * 3
    fitted = fit_in_distribution(train, labels, heldout, foreign, coverage=0.98, fitted_on="synthetic")
    assert fitted["method"] in ("mahalanobis", "knn") and set(fitted["compared"]) == {"mahalanobis", "knn"}
    kept = fitted["compared"][fitted["method"]]
    assert kept["heldout_flagged"] <= 0.02 + 1e-9 and kept["foreign_flagged"] == 1.0
    fresh, _ = familiar_features(500, seed=3)
    flagged = np.mean([not check(f, fitted)["ok"] for f in fresh])
    assert flagged < 0.06
    assert check(foreign[0], fitted) == {
        "available": True,
        "score": pytest.approx(ood_score(foreign[0], fitted)),
        "threshold": fitted["threshold"],
        "ok": False,
    }


def test_fitted_check_round_trips_through_a_safe_torch_load():
    train, labels = familiar_features(300)
    fitted = fit_in_distribution(train, labels, train[:100], None, coverage=0.99)
    buffer = io.BytesIO()
    torch.save({"in_distribution": fitted}, buffer)
    buffer.seek(0)
    loaded = torch.load(buffer, weights_only=True)["in_distribution"]
    assert ood_score(train[0], loaded) == pytest.approx(ood_score(train[0], fitted))


def test_knn_bank_is_capped():
    train, _ = familiar_features(300)
    state = fit_knn(train, k=5, max_bank=100)
    assert state["bank"].shape == (100, DIM) and state["bank"].dtype == torch.float16


def test_unavailable_check_says_so():
    assert check(np.zeros(DIM), None) == {"available": False, "score": None, "threshold": None, "ok": None}


def test_flat_input_gate_flags_a_clip_flatter_than_the_familiar_ones():
    from model.in_distribution import fit_texture_gate, texture_of

    flat = torch.zeros(4, 3, 32, 32) + 0.7
    detailed = torch.from_numpy(np.random.default_rng(0).normal(size=(4, 3, 32, 32))).float()
    assert texture_of(flat) == 0.0 and texture_of(detailed) > 0.5
    train, labels = familiar_features(300)
    fitted = fit_in_distribution(
        train, labels, train[:100], None, coverage=0.99, heldout_textures=np.linspace(0.2, 1.0, 100)
    )
    assert fitted["texture_gate"]["low"] == pytest.approx(0.5 * np.quantile(np.linspace(0.2, 1.0, 100), 0.01))
    assert fit_texture_gate([0.4, 0.6], 0.99)["low"] < 0.4
    familiar = train[0]
    assert check(familiar, fitted, texture=0.5)["ok"] is True
    flagged = check(familiar, fitted, texture=texture_of(flat))
    assert flagged["ok"] is False and flagged["texture"] == 0.0
    assert check(familiar, fitted)["ok"] is True  # no texture given: the gate is skipped
