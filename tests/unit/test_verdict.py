"""The verdict rule and the decision a checkpoint's stored rule gives."""

import numpy as np
import pytest

from model.in_distribution import fit_in_distribution
from model.verdict import LEGACY_BAND_HALF_WIDTH, DecisionRule, label_of, verdict_of


@pytest.mark.parametrize(
    "probability, ok, expected",
    [
        (0.95, True, "fake"),
        (0.6, True, "fake"),  # at the band's upper edge
        (0.55, True, "uncertain"),
        (0.4, True, "uncertain"),  # the lower edge is still uncertain
        (0.39, True, "real"),
        (0.02, None, "real"),  # no check available: never unfamiliar
        (0.95, False, "out_of_distribution"),  # unfamiliar wins over a confident fake
        (0.02, False, "out_of_distribution"),
    ],
)
def test_verdict_rule(probability, ok, expected):
    assert verdict_of(probability, threshold=0.5, band=(0.4, 0.6), in_distribution_ok=ok) == expected


def test_band_never_calls_fake_below_the_threshold_nor_real_above_it():
    assert verdict_of(0.45, threshold=0.5, band=(0.3, 0.4), in_distribution_ok=True) == "uncertain"
    assert verdict_of(0.55, threshold=0.5, band=(0.6, 0.7), in_distribution_ok=True) == "uncertain"
    assert verdict_of(0.5, threshold=0.5, band=(0.5, 0.5), in_distribution_ok=True) == "fake"
    assert label_of(0.5, 0.5) == "fake" and label_of(0.49, 0.5) == "real"


def test_older_checkpoint_keeps_its_threshold_and_the_legacy_band():
    rule = DecisionRule.from_checkpoint({"threshold": 0.5})
    assert rule.band == (0.5 - LEGACY_BAND_HALF_WIDTH, 0.5 + LEGACY_BAND_HALF_WIDTH)
    decision = rule.decide(logit=3.0)
    assert decision.probability == decision.probability_raw == pytest.approx(1 / (1 + np.exp(-3.0)))
    assert decision.label == decision.verdict == "fake"
    assert decision.in_distribution == {"available": False, "score": None, "threshold": None, "ok": None}
    assert rule.decide(logit=0.1).verdict == "uncertain"


def test_stored_rule_calibrates_then_decides_with_the_check():
    rng = np.random.default_rng(0)
    features, labels = rng.normal(size=(400, 8)), rng.integers(0, 2, 400)
    checkpoint = {
        "threshold": 0.7,
        "calibration": {"method": "temperature", "temperature": 4.0},
        "operating_point": {"threshold": 0.7, "uncertain_band": [0.6, 0.8]},
        "in_distribution": fit_in_distribution(features, labels, features[:100], None, coverage=0.99),
    }
    rule = DecisionRule.from_checkpoint(checkpoint)
    decision = rule.decide(logit=4.0, clip_feature=features[0])  # sigmoid(4 / 4) = 0.73: uncertain
    assert decision.probability == pytest.approx(1 / (1 + np.exp(-1.0)))
    assert decision.probability_raw > 0.98
    assert decision.label == "fake" and decision.verdict == "uncertain"
    assert decision.in_distribution["available"] and decision.in_distribution["ok"]
    assert rule.decide(logit=12.0, clip_feature=features[0]).verdict == "fake"
    assert rule.decide(logit=12.0, clip_feature=np.full(8, 50.0)).verdict == "out_of_distribution"
    with pytest.raises(ValueError, match="pooled clip feature"):
        rule.decide(logit=1.0)
