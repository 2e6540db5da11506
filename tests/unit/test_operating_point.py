"""Threshold for a target false-positive rate and the uncertain band, on synthetic scores."""

import numpy as np
import pytest

from model.operating_point import (
    choose_operating_point,
    decide,
    figures_at,
    grouped_threshold_for_fpr,
    threshold_for_fpr,
    uncertain_band,
)


def scores(count: int, seed: int = 0, separation: float = 2.0):
    rng = np.random.default_rng(seed)
    genuine = 1 / (1 + np.exp(-rng.normal(-separation, 1, count)))
    fakes = 1 / (1 + np.exp(-rng.normal(separation, 1, count)))
    return genuine, fakes


@pytest.mark.parametrize("target", [0.01, 0.05, 0.2])
def test_threshold_calls_at_most_the_target_share_of_genuine_clips_fake(target):
    genuine, _ = scores(1000)
    threshold = threshold_for_fpr(genuine, target)
    fpr = (genuine >= threshold).mean()
    assert fpr <= target and fpr >= target - 0.002  # as close as the sample allows


def test_threshold_holds_on_fresh_genuine_clips_of_the_same_kind():
    genuine, _ = scores(2000)
    fresh, _ = scores(20000, seed=9)
    assert (fresh >= threshold_for_fpr(genuine, 0.05)).mean() == pytest.approx(0.05, abs=0.015)


def test_threshold_with_ties_and_edge_targets():
    assert threshold_for_fpr(np.full(10, 0.3), 0.05) > 0.3  # all tied: none may be called fake
    assert threshold_for_fpr(np.array([0.1, 0.2]), 0.0) > 0.2
    with pytest.raises(ValueError):
        threshold_for_fpr(np.array([]), 0.05)
    with pytest.raises(ValueError):
        threshold_for_fpr(np.array([0.1]), 1.0)


def sourced_scores(sources: int, clips_per_source: int, rng: np.random.Generator):
    """Genuine scores whose sources score alike: a source's offset, then each clip's own noise."""
    offsets = np.repeat(rng.normal(0, 1.0, sources), clips_per_source)
    logits = -2 + offsets + rng.normal(0, 0.5, sources * clips_per_source)
    groups = [f"s{i}" for i in np.repeat(np.arange(sources), clips_per_source)]
    return 1 / (1 + np.exp(-logits)), groups


def test_grouped_threshold_lowers_the_fpr_on_unseen_sources():
    rng = np.random.default_rng(3)
    fresh, _ = sourced_scores(5000, 1, rng)  # clips of sources none of the thresholds saw
    fresh_fpr = {"plain": [], "grouped": []}
    for _ in range(30):
        genuine, groups = sourced_scores(20, 10, rng)  # 200 clips of 20 sources, as a held-out half
        plain = threshold_for_fpr(genuine, 0.05)
        grouped = grouped_threshold_for_fpr(genuine, groups, 0.05, confidence=0.8)
        assert grouped >= plain
        fresh_fpr["plain"].append((fresh >= plain).mean())
        fresh_fpr["grouped"].append((fresh >= grouped).mean())
    plain, grouped = np.array(fresh_fpr["plain"]), np.array(fresh_fpr["grouped"])
    # 20 sources: the plain 5% threshold calls more than 5% of new sources' clips fake most of the time
    assert np.median(plain) > 0.06 and (plain <= 0.05).mean() < 0.35
    assert np.median(grouped) < np.median(plain) - 0.01 and (grouped <= 0.05).mean() >= (plain <= 0.05).mean() + 0.15


def test_grouped_threshold_is_the_plain_one_without_groups_or_confidence():
    genuine, groups = sourced_scores(20, 10, np.random.default_rng(0))
    plain = threshold_for_fpr(genuine, 0.05)
    assert grouped_threshold_for_fpr(genuine, None, 0.05) == plain
    assert grouped_threshold_for_fpr(genuine, ["one"] * len(genuine), 0.05) == plain
    assert grouped_threshold_for_fpr(genuine, groups, 0.05, confidence=0.0) == plain
    with pytest.raises(ValueError):
        grouped_threshold_for_fpr(genuine, groups, 0.05, confidence=1.0)


def test_band_is_empty_when_held_out_answers_are_all_right():
    probabilities = np.array([0.1, 0.2, 0.3, 0.7, 0.8, 0.9])
    labels = np.array([0, 0, 0, 1, 1, 1])
    assert uncertain_band(probabilities, labels, 0.5, 0.9) == (0.5, 0.5)


def test_band_widens_where_precision_falls_below_the_level():
    # fakes hidden among low scores: below 0.35 real answers are right, between they are not
    probabilities = np.array([0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.42, 0.45, 0.6, 0.7, 0.8, 0.9])
    labels = np.array([0, 0, 0, 0, 0, 0, 1, 0, 1, 1, 1, 1, 1])
    low, high = uncertain_band(probabilities, labels, threshold=0.5, precision_level=0.9)
    assert high == 0.5  # every clip at or above 0.5 is fake
    assert 0.3 < low <= 0.4  # real only below the hidden fakes
    verdicts = decide(probabilities, 0.5, (low, high))
    assert list(verdicts[:6]) == [0] * 6 and list(verdicts[6:9]) == [-1] * 3 and list(verdicts[9:]) == [1] * 4


def test_no_cut_reaching_the_level_means_no_fake_answers():
    probabilities = np.array([0.6, 0.7, 0.8, 0.9])
    labels = np.array([1, 0, 1, 0])  # precision 0.5 at every cut above the threshold
    low, high = uncertain_band(probabilities, labels, 0.55, 0.9)
    assert high == 1.0 and (decide(probabilities, 0.55, (low, high)) != 1).all()


def test_operating_point_stores_threshold_band_and_held_out_figures():
    genuine, fakes = scores(500, separation=2.5)
    probabilities = np.concatenate([genuine, fakes])
    labels = np.array([0] * 500 + [1] * 500)
    groups = [f"pair{i}" for i in range(500)]
    point = choose_operating_point(
        probabilities, labels, genuine, target_fpr=0.05, precision_level=0.9, chosen_on="x", genuine_groups=groups
    )
    assert point["genuine_fpr"] <= 0.05 and point["genuine_groups"] == 500 and point["fpr_confidence"] == 0.8
    low, high = point["uncertain_band"]
    assert low <= point["threshold"] <= high
    held = point["heldout"]
    assert held["fpr"] <= 0.05 and held["tpr"] > 0.9 and held["precision"] >= 0.9
    assert 0.8 < held["coverage"] <= 1.0 and held["selective_accuracy"] >= 0.9


def test_figures_count_unfamiliar_clips_as_not_covered():
    probabilities = np.array([0.1, 0.9, 0.9, 0.1])
    labels = np.array([0, 1, 1, 0])
    figures = figures_at(probabilities, labels, 0.5, (0.5, 0.5), in_distribution=np.array([1, 1, 0, 0], bool))
    assert figures["coverage"] == 0.5 and figures["selective_accuracy"] == 1.0 and figures["tpr"] == 1.0
