"""The video verdict over windows: the window-count adjustment holds the stored false-positive
rate for long genuine videos, segments merge into flagged spans, unfamiliar videos are flagged."""

from __future__ import annotations

import math

import numpy as np
import pytest

from model.in_distribution import fit_in_distribution
from model.operating_point import threshold_for_fpr
from model.segments import adjusted_edges, decide_video, genuine_scores_of, merge_spans
from model.verdict import DecisionRule


def logit(p: float) -> float:
    return math.log(p / (1 - p))


def genuine_and_rule(seed: int = 0, count: int = 2000):
    genuine = np.sort(np.random.default_rng(seed).beta(2, 8, count))  # calibrated P(fake) of genuine clips
    threshold = threshold_for_fpr(genuine, 0.05)
    return genuine, DecisionRule(threshold=threshold, band=(threshold - 0.05, threshold + 0.05))


def flagged_share(
    rule, genuine, windows: int, adjust: bool = True, videos: int = 400, seed: int = 1, field: str = "verdict"
) -> float:
    """Share of simulated genuine videos (independent windows drawn like held-out genuine clips) called fake
    (`field`: by the verdict, or by the label at the threshold alone)."""
    rng = np.random.default_rng(seed)
    spans = [(2.0 * i, 2.0 * i + 2.0) for i in range(windows)]
    stored = genuine if adjust else None
    called = 0
    for _ in range(videos):
        logits = [logit(p) for p in rng.choice(genuine, windows)]
        decision = decide_video(rule, stored, spans, logits, [None] * windows, windows).decision
        called += getattr(decision, field) == "fake"
    return called / videos


def test_the_adjustment_keeps_long_genuine_videos_at_the_stored_false_positive_rate():
    genuine, rule = genuine_and_rule()
    assert flagged_share(rule, genuine, windows=1) == pytest.approx(0.05, abs=0.03)
    assert flagged_share(rule, genuine, windows=60) <= 0.08
    # at the moved threshold itself, the maximum of 60 genuine windows crosses it as often as one clip does
    assert flagged_share(rule, genuine, windows=60, field="label") == pytest.approx(0.05, abs=0.03)
    unadjusted = flagged_share(rule, genuine, windows=60, adjust=False)
    assert unadjusted > 0.5  # what happens without it: most long genuine videos get a "fake" window


def test_edges_only_move_up_and_stay_ordered():
    genuine, rule = genuine_and_rule()
    one = adjusted_edges(rule, genuine, 1)
    assert (one.threshold, one.band, one.adjusted) == (rule.threshold, rule.band, False)
    many = adjusted_edges(rule, genuine, 100)
    assert many.adjusted and many.threshold > rule.threshold
    assert rule.band[0] <= many.band[0] <= many.threshold <= many.band[1] and many.band[1] >= rule.band[1]


def test_beyond_the_held_out_scores_the_edge_sits_above_every_genuine_score():
    genuine, rule = genuine_and_rule(count=40)
    edges = adjusted_edges(rule, genuine, 10_000)
    assert edges.threshold > genuine.max()


def test_without_enough_genuine_scores_nothing_is_adjusted():
    assert genuine_scores_of({"threshold": 0.5}) is None
    assert genuine_scores_of({"operating_point": {"genuine_scores": [0.1] * 5}}) is None
    stored = genuine_scores_of({"operating_point": {"genuine_scores": [0.3, 0.1, 0.2] * 10}})
    assert stored is not None and list(stored[:3]) == [0.1, 0.1, 0.1]


def test_a_fake_span_is_flagged_merged_and_gives_the_videos_probability():
    rule = DecisionRule(threshold=0.5, band=(0.4, 0.6))
    spans = [(2.0 * i, 2.0 * i + 4.0) for i in range(10)]
    probabilities = [0.1] * 10
    probabilities[4:7] = [0.9, 0.95, 0.7]
    decided = decide_video(rule, None, spans, [logit(p) for p in probabilities], [None] * 10, 5)
    assert decided.flagged == [(8.0, 16.0)]
    assert [s.decision.verdict for s in decided.segments[3:8]] == ["real", "fake", "fake", "fake", "real"]
    assert decided.decision.verdict == decided.decision.label == "fake"
    assert decided.decision.probability == pytest.approx(0.95)
    assert (decided.most_suspicious.start_s, decided.most_suspicious.end_s) == (10.0, 14.0)


def test_a_genuine_video_has_no_fake_segment():
    rule = DecisionRule(threshold=0.5, band=(0.4, 0.6))
    spans = [(float(i), float(i + 2)) for i in range(20)]
    decided = decide_video(rule, None, spans, [logit(0.2)] * 20, [None] * 20, 10)
    assert decided.flagged == [] and decided.decision.verdict == "real"


def test_merge_spans_joins_overlapping_and_touching_spans():
    assert merge_spans([(4, 6), (0, 2), (1, 3), (3, 3.5), (7, 8)]) == [(0, 3.5), (4, 6), (7, 8)]


def checked_rule():
    rng = np.random.default_rng(0)
    check = fit_in_distribution(rng.normal(0, 1, (300, 4)), np.zeros(300, int), rng.normal(0, 1, (100, 4)), None)
    return DecisionRule(threshold=0.5, band=(0.4, 0.6), in_distribution=check)


def test_a_video_mostly_unlike_the_training_clips_is_out_of_distribution():
    rule = checked_rule()
    spans = [(float(i), float(i + 1)) for i in range(4)]
    foreign, familiar = np.full(4, 30.0), np.zeros(4)
    decided = decide_video(rule, None, spans, [logit(0.9)] * 4, [foreign, foreign, foreign, familiar], 4)
    assert decided.decision.verdict == "out_of_distribution" and decided.decision.in_distribution["ok"] is False
    assert [s.decision.verdict for s in decided.segments] == ["out_of_distribution"] * 3 + ["fake"]


def test_unfamiliar_windows_do_not_decide_a_familiar_video():
    rule = checked_rule()
    spans = [(float(i), float(i + 1)) for i in range(3)]
    foreign, familiar = np.full(4, 30.0), np.zeros(4)
    logits = [logit(0.99), logit(0.1), logit(0.1)]
    decided = decide_video(rule, None, spans, logits, [foreign, familiar, familiar], 3)
    assert decided.decision.verdict == "real" and decided.decision.in_distribution["ok"] is True
    assert decided.decision.probability == pytest.approx(0.1)
    assert decided.segments[0].decision.verdict == "out_of_distribution" and decided.flagged == []
