"""Where the calibrated P(fake) becomes a decision, chosen on held-out clips.

- threshold: the lowest value that calls at most `target_fpr` of the held-out *genuine* clips
  fake (`label` is "fake" at or above it), with a margin for the sources they come from: clips of
  one photo or one video score alike, so a threshold fitted to a few sources calls more of the
  next source's clips fake than it did of these. The threshold is the `fpr_confidence` quantile of
  the thresholds of many resamples of the genuine clips' groups (sources, drawn with
  replacement): it keeps the FPR at or under the target in that share of plausible source mixes;
  never below the plain threshold. With tens of sources a bootstrap understates their spread, so
  the confidence is nominal: in tests/unit/test_operating_point.py (20 sources) 0.8 lowers the
  median FPR on new sources from about 7% to 5%, and holds 5% in about half of the draws, not 80%;
- uncertain band [low, high): around the threshold, where held-out answers stop being right
  often enough. `high` is the first cut at or above the threshold where the precision of
  calling everything above it fake (share of those clips that are fake) reaches
  `precision_level`; `low` is the first cut at or below the threshold where the negative
  predictive value of calling everything below it real reaches the same level. In between the
  verdict is "uncertain".
Precision depends on how many fakes there are: these figures hold for the held-out mix (one
fake per genuine clip), and are stored with it.
"""

from __future__ import annotations

import numpy as np

DEFAULT_TARGET_FPR = 0.05
DEFAULT_PRECISION_LEVEL = 0.9
# 0.8: on a demo run's 400 held-out genuine clips (31 packaged images, 127 charts) the plain 5% threshold
# of one half of the sources called a median 4.8% of the other half fake, but 11.3% at the 90th percentile
DEFAULT_FPR_CONFIDENCE = 0.8
RESAMPLES = 1000


def threshold_for_fpr(genuine_probabilities: np.ndarray, target_fpr: float) -> float:
    """Midway between the genuine score that may still be called fake and the next one below it,
    so that at most floor(target_fpr * n) genuine clips lie at or above the threshold."""
    if not 0 <= target_fpr < 1:
        raise ValueError(f"target FPR must be in [0, 1), got {target_fpr}")
    scores = np.sort(np.asarray(genuine_probabilities, dtype=np.float64))[::-1]
    if len(scores) == 0:
        raise ValueError("choosing a threshold needs held-out genuine clips")
    allowed = int(np.floor(target_fpr * len(scores) + 1e-9))
    if allowed >= len(scores):
        return 0.0
    below = scores[allowed]  # the highest score that must stay under the threshold
    above = scores[allowed - 1] if allowed > 0 else 1.0
    if above <= below:  # tied scores: every tie stays real
        return float(np.nextafter(below, np.inf))
    return float((below + above) / 2)


def grouped_threshold_for_fpr(
    genuine_probabilities: np.ndarray,
    groups: list[str] | None,
    target_fpr: float,
    confidence: float = DEFAULT_FPR_CONFIDENCE,
    seed: int = 0,
) -> float:
    """threshold_for_fpr with the source margin of the module docstring: the `confidence` quantile
    of the thresholds of RESAMPLES group bootstraps. Confidence 0, or fewer than two groups, gives
    the plain threshold."""
    if not 0 <= confidence < 1:
        raise ValueError(f"FPR confidence must be in [0, 1), got {confidence}")
    scores = np.asarray(genuine_probabilities, dtype=np.float64)
    plain = threshold_for_fpr(scores, target_fpr)
    if groups is None or confidence == 0:
        return plain
    names, group_of = np.unique(np.asarray(groups), return_inverse=True)
    if len(names) < 2:
        return plain
    members = [np.flatnonzero(group_of == g) for g in range(len(names))]
    rng = np.random.default_rng(seed)
    resampled = []
    for _ in range(RESAMPLES):
        drawn = rng.integers(len(names), size=len(names))
        resampled.append(threshold_for_fpr(scores[np.concatenate([members[g] for g in drawn])], target_fpr))
    return max(plain, float(np.quantile(resampled, confidence)))


def _precision_above(probabilities: np.ndarray, labels: np.ndarray, cut: float) -> float:
    called = probabilities >= cut
    return float(labels[called].mean()) if called.any() else 1.0


def _npv_below(probabilities: np.ndarray, labels: np.ndarray, cut: float) -> float:
    called = probabilities < cut
    return float(1 - labels[called].mean()) if called.any() else 1.0


def uncertain_band(
    probabilities: np.ndarray, labels: np.ndarray, threshold: float, precision_level: float
) -> tuple[float, float]:
    """[low, high) with low <= threshold <= high, moving away from the threshold only as far as
    the level needs (see the module docstring). `high` is 1.0 when no cut above the threshold
    reaches the level (nothing is called fake); `low` is 0.0 likewise (nothing is called real)."""
    p = np.asarray(probabilities, dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    cuts_up = np.unique(np.concatenate([[threshold], p[p > threshold]]))
    high = next((float(c) for c in cuts_up if _precision_above(p, y, c) >= precision_level), 1.0)
    # below: a cut c calls p < c real; the candidates are the threshold and just above each score
    cuts_down = np.unique(np.concatenate([[threshold], np.nextafter(p[p < threshold], np.inf)]))[::-1]
    low = next((float(c) for c in cuts_down if _npv_below(p, y, c) >= precision_level), 0.0)
    return min(low, threshold), max(high, threshold)


def decide(probabilities: np.ndarray, threshold: float, band: tuple[float, float]) -> np.ndarray:
    """Per clip: 1 fake, 0 real, -1 uncertain (the rule of model.verdict, vectorised)."""
    p = np.asarray(probabilities, dtype=np.float64)
    low, high = min(band[0], threshold), max(band[1], threshold)
    return np.where(p >= high, 1, np.where(p < low, 0, -1))


def figures_at(
    probabilities: np.ndarray,
    labels: np.ndarray,
    threshold: float,
    band: tuple[float, float],
    in_distribution: np.ndarray | None = None,
) -> dict:
    """Held-out figures of an operating point. tpr/fpr/precision: the label at the threshold alone;
    coverage: share of clips with a definite verdict (real or fake, and in distribution when
    `in_distribution` is given); selective_accuracy: how often those verdicts are right."""
    p = np.asarray(probabilities, dtype=np.float64)
    y = np.asarray(labels, dtype=np.int64)
    called_fake = p >= threshold
    positives, negatives = y == 1, y == 0
    verdicts = decide(p, threshold, band)
    if in_distribution is not None:
        verdicts = np.where(np.asarray(in_distribution, dtype=bool), verdicts, -1)
    definite = verdicts >= 0
    return {
        "clips": len(y),
        "tpr": float(called_fake[positives].mean()) if positives.any() else None,
        "fpr": float(called_fake[negatives].mean()) if negatives.any() else None,
        "precision": float(y[called_fake].mean()) if called_fake.any() else None,
        "coverage": float(definite.mean()) if len(y) else None,
        "selective_accuracy": float((verdicts[definite] == y[definite]).mean()) if definite.any() else None,
        "verdict_fpr": float((verdicts[negatives] == 1).mean()) if negatives.any() else None,
    }


def choose_operating_point(
    probabilities: np.ndarray,
    labels: np.ndarray,
    genuine_probabilities: np.ndarray,
    target_fpr: float = DEFAULT_TARGET_FPR,
    precision_level: float = DEFAULT_PRECISION_LEVEL,
    chosen_on: str = "",
    genuine_groups: list[str] | None = None,
    fpr_confidence: float = DEFAULT_FPR_CONFIDENCE,
    seed: int = 0,
) -> dict:
    """The checkpoint's `operating_point`: the threshold from the genuine clips' calibrated scores
    (and their groups: sources or pairs), the band from the labelled held-out clips' (both
    classes), and the figures there."""
    threshold = grouped_threshold_for_fpr(genuine_probabilities, genuine_groups, target_fpr, fpr_confidence, seed)
    band = uncertain_band(probabilities, labels, threshold, precision_level)
    return {
        "threshold": threshold,
        "uncertain_band": [band[0], band[1]],
        "target_fpr": float(target_fpr),
        "fpr_confidence": float(fpr_confidence),
        "genuine_groups": len(set(genuine_groups)) if genuine_groups is not None else None,
        "precision_level": float(precision_level),
        "heldout": figures_at(probabilities, labels, threshold, band),
        "genuine_fpr": float((np.asarray(genuine_probabilities) >= threshold).mean()),
        "chosen_on": chosen_on,
    }
