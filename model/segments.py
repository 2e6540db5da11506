"""The video's verdict from its windows (coverage mode), adjusted for how many windows it has.

Why adjust: a long video is many looks. If each window of a genuine video is called fake with
probability a (the stored operating point's false-positive rate), a video of n independent
windows has at least one called fake with probability 1 - (1 - a)^n: 40% for n = 10 at a = 5%.

The rule (Sidak's correction on the held-out genuine scores):
- n = the windows that fit side by side without overlapping (overlapping windows are not
  independent looks; treating consecutive windows of one scene as independent is conservative:
  their maximum rises less than for independent ones, so the real false-positive rate is lower);
- F is the distribution of the calibrated P(fake) of held-out genuine clips (the scores the
  threshold was chosen on, stored as `operating_point.genuine_scores`). An edge e of the stored
  rule (the threshold, each end of the uncertain band) calls a share F(e) of genuine clips
  below it; for n windows the edge moves to where F reaches F(e)^(1/n), so the *maximum* of n
  genuine windows stays below it as often as one genuine clip stays below e. The edge never goes
  down, and beyond the last held-out genuine score it is set above all of them
  (model.operating_point.threshold_for_fpr), so m held-out clips bound what it can resolve;
- each window (segment) is then judged by the stored rule with these edges and its own
  in-distribution check; the video's probability is the maximum over its familiar windows, its
  label and verdict follow from it with the same edges; when the check fails for more than half
  of the windows the video is out_of_distribution.
A checkpoint without genuine scores (older ones) keeps the stored edges: the answer says
`adjusted: false`, and a long genuine video is then more likely to be flagged by chance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from model.operating_point import threshold_for_fpr
from model.verdict import Decision, DecisionRule, label_of, verdict_of

MIN_GENUINE_SCORES = 20  # fewer held-out genuine clips say too little about the tail to move an edge


@dataclass(frozen=True)
class Edges:
    threshold: float
    band: tuple[float, float]
    adjusted: bool


def genuine_scores_of(checkpoint_meta: dict) -> np.ndarray | None:
    scores = (checkpoint_meta.get("operating_point") or {}).get("genuine_scores")
    if scores is None or len(scores) < MIN_GENUINE_SCORES:
        return None
    return np.sort(np.asarray(scores, dtype=np.float64))


def _adjust(edge: float, genuine: np.ndarray, windows: int) -> float:
    """Where the maximum of `windows` genuine scores stays below as often as one stays below `edge`."""
    below = float(np.mean(genuine < edge))
    allowed_share = 1.0 - below ** (1.0 / windows)
    return max(edge, threshold_for_fpr(genuine, min(allowed_share, 1.0 - 1e-12)))


def adjusted_edges(rule: DecisionRule, genuine: np.ndarray | None, windows: int) -> Edges:
    if genuine is None or windows <= 1:
        return Edges(rule.threshold, rule.band, False)
    low, high = (_adjust(edge, genuine, windows) for edge in rule.band)
    threshold = _adjust(rule.threshold, genuine, windows)
    return Edges(threshold, (min(low, threshold), max(high, threshold)), True)


@dataclass(frozen=True)
class Segment:
    start_s: float
    end_s: float
    decision: Decision  # probability (calibrated), verdict with the adjusted edges, its own check


@dataclass(frozen=True)
class VideoDecision:
    decision: Decision  # the video's: max over familiar windows
    edges: Edges
    segments: list[Segment]
    flagged: list[tuple[float, float]]  # merged spans of fake segments
    most_suspicious: Segment  # the window the video's probability comes from


def _with_edges(decision: Decision, edges: Edges) -> Decision:
    verdict = verdict_of(decision.probability, edges.threshold, edges.band, decision.in_distribution["ok"])
    return Decision(
        decision.probability,
        decision.probability_raw,
        label_of(decision.probability, edges.threshold),
        verdict,
        decision.in_distribution,
    )


def merge_spans(spans: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    """Overlapping or touching spans joined, in time order."""
    merged: list[list[float]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1] + 1e-9:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def _video_check(segments: list[Segment]) -> dict:
    """The video's in_distribution: the median window score; ok when most windows are familiar."""
    checks = [segment.decision.in_distribution for segment in segments]
    if not checks[0]["available"]:
        return dict(checks[0])
    familiar = sum(1 for check in checks if check["ok"])
    return {
        "available": True,
        "score": float(np.median([check["score"] for check in checks])),
        "threshold": checks[0]["threshold"],
        "ok": 2 * familiar >= len(checks),
    }


def decide_video(
    rule: DecisionRule,
    genuine: np.ndarray | None,
    spans: Sequence[tuple[float, float]],
    logits: Sequence[float],
    features: Sequence,
    effective_windows: int,
    textures: Sequence[float | None] | None = None,
) -> VideoDecision:
    """One decision per window (`spans`, `logits`, pooled `features`, input `textures` for the
    flat-input gate), and the video's (module docstring)."""
    edges = adjusted_edges(rule, genuine, effective_windows)
    textures = textures if textures is not None else [None] * len(spans)
    segments = [
        Segment(start, end, _with_edges(rule.decide(logit, feature, texture), edges))
        for (start, end), logit, feature, texture in zip(spans, logits, features, textures)
    ]
    check = _video_check(segments)
    familiar = [s for s in segments if s.decision.in_distribution["ok"] is not False] or segments
    top = max(familiar, key=lambda segment: segment.decision.probability)
    probability = top.decision.probability
    verdict = verdict_of(probability, edges.threshold, edges.band, check["ok"])
    video = Decision(probability, top.decision.probability_raw, label_of(probability, edges.threshold), verdict, check)
    flagged = merge_spans([(s.start_s, s.end_s) for s in segments if s.decision.verdict == "fake"])
    return VideoDecision(video, edges, segments, flagged, top)
