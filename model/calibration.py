"""Calibrated P(fake): the clip logit mapped so that "0.8" means "fake about 8 times in 10" on
held-out clips like the ones it was fitted on.

Two maps, both monotone (the ranking of clips, hence ROC-AUC, stays; isotonic may tie some):
- temperature scaling: sigmoid(logit / T), one number fitted by log-loss (Guo et al. 2017);
- isotonic regression: a non-decreasing step map from logit to the fraction of fakes (pool
  adjacent violators), read with linear interpolation between its steps.
`fit_calibration` fits both, compares them on folds the map was not fitted on, and keeps the one
with the lower out-of-fold ECE. The result is a plain dict (the checkpoint's `calibration`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

CALIBRATION_METHODS = ("temperature", "isotonic")
ECE_BINS = 15
FOLDS = 5
_LOG_T_RANGE = (-4.0, 4.0)  # T between 0.02 and 55: wider means the logits carry no information


def sigmoid(logits: np.ndarray | float) -> np.ndarray:
    values = np.asarray(logits, dtype=np.float64)
    return np.exp(-np.logaddexp(0.0, -values))


def log_loss(probabilities: np.ndarray, labels: np.ndarray) -> float:
    p = np.clip(np.asarray(probabilities, dtype=np.float64), 1e-7, 1 - 1e-7)
    y = np.asarray(labels, dtype=np.float64)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def expected_calibration_error(probabilities: np.ndarray, labels: np.ndarray, bins: int = ECE_BINS) -> float:
    """Mean |fraction of fakes - mean P(fake)| over equal-width bins, weighted by clips per bin."""
    rows = reliability_bins(probabilities, labels, bins)
    total = sum(row["count"] for row in rows)
    if total == 0:
        return 0.0
    return float(sum(row["count"] * abs(row["fraction_fake"] - row["mean_probability"]) for row in rows) / total)


NOISE_DRAWS = 1000


def ece_noise_floor(probabilities: np.ndarray, bins: int = ECE_BINS, draws: int = NOISE_DRAWS, seed: int = 0) -> dict:
    """The ECE a perfectly calibrated model would show on these clips: labels drawn from the
    probabilities themselves, `draws` times. On 100 clips spread over (0, 1) its median is ~0.1,
    so a measured ECE near it cannot tell calibration from sampling noise."""
    p = np.asarray(probabilities, dtype=np.float64)
    if len(p) == 0:
        return {"median": None, "p90": None, "draws": 0}
    rng = np.random.default_rng(seed)
    values = [expected_calibration_error(p, (rng.random(len(p)) < p).astype(np.float64), bins) for _ in range(draws)]
    return {"median": float(np.median(values)), "p90": float(np.quantile(values, 0.9)), "draws": draws}


def reliability_bins(probabilities: np.ndarray, labels: np.ndarray, bins: int = ECE_BINS) -> list[dict]:
    """The reliability diagram's points: per non-empty bin, its range, clips, mean P(fake), fakes."""
    p = np.asarray(probabilities, dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    index = np.minimum((p * bins).astype(int), bins - 1)
    rows = []
    for number in range(bins):
        inside = index == number
        if inside.any():
            rows.append(
                {
                    "low": number / bins,
                    "high": (number + 1) / bins,
                    "count": int(inside.sum()),
                    "mean_probability": float(p[inside].mean()),
                    "fraction_fake": float(y[inside].mean()),
                }
            )
    return rows


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """The T minimising the log-loss of sigmoid(logit / T): a grid over log T, then golden section."""
    z = np.asarray(logits, dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)

    def loss(log_t: float) -> float:
        return log_loss(sigmoid(z / np.exp(log_t)), y)

    grid = np.linspace(*_LOG_T_RANGE, 81)
    best = int(np.argmin([loss(v) for v in grid]))
    low, high = grid[max(best - 1, 0)], grid[min(best + 1, len(grid) - 1)]
    ratio = (np.sqrt(5) - 1) / 2
    for _ in range(40):
        a, b = high - ratio * (high - low), low + ratio * (high - low)
        if loss(a) <= loss(b):
            high = b
        else:
            low = a
    return float(np.exp((low + high) / 2))


def fit_isotonic(logits: np.ndarray, labels: np.ndarray) -> dict:
    """Pool-adjacent-violators on the labels sorted by logit: {"x": block mean logits, "y": block
    fractions of fakes}, y non-decreasing and kept inside (0, 1) by half a clip (never certain)."""
    order = np.argsort(np.asarray(logits, dtype=np.float64), kind="stable")
    z = np.asarray(logits, dtype=np.float64)[order]
    y = np.asarray(labels, dtype=np.float64)[order]
    sums, counts, logit_sums = [], [], []
    for value, logit in zip(y, z):
        sums.append(value)
        counts.append(1.0)
        logit_sums.append(logit)
        while len(sums) > 1 and sums[-2] / counts[-2] >= sums[-1] / counts[-1]:
            last = sums.pop(), counts.pop(), logit_sums.pop()
            sums[-1] += last[0]
            counts[-1] += last[1]
            logit_sums[-1] += last[2]
    margin = 0.5 / len(y)
    fractions = np.clip(np.array(sums) / np.array(counts), margin, 1 - margin)
    centres = np.array(logit_sums) / np.array(counts)
    return {"x": [float(v) for v in centres], "y": [float(v) for v in fractions]}


def apply_isotonic(logits: np.ndarray | float, isotonic: dict) -> np.ndarray:
    """Linear between the steps' centres, flat beyond the first and last (np.interp clamps)."""
    return np.interp(np.asarray(logits, dtype=np.float64), isotonic["x"], isotonic["y"])


def calibrate_logits(logits: np.ndarray | Sequence[float] | float, calibration: dict | None) -> np.ndarray:
    """Calibrated P(fake) of clip logits; without a calibration (older checkpoints), the plain sigmoid."""
    z = np.asarray(logits, dtype=np.float64)
    if not calibration:
        return sigmoid(z)
    if calibration["method"] == "isotonic":
        return apply_isotonic(z, calibration["isotonic"])
    if calibration["method"] == "temperature":
        return sigmoid(z / float(calibration["temperature"]))
    raise ValueError(f"unknown calibration method {calibration['method']!r}; known: {CALIBRATION_METHODS}")


def calibrated_probability(logit: float, calibration: dict | None) -> float:
    return float(calibrate_logits(float(logit), calibration))


def _fit(method: str, logits: np.ndarray, labels: np.ndarray) -> dict:
    temperature = fit_temperature(logits, labels)
    isotonic = fit_isotonic(logits, labels) if method == "isotonic" else None
    return {"method": method, "temperature": temperature, "isotonic": isotonic}


def _fold_ids(labels: np.ndarray, folds: int, seed: int) -> np.ndarray:
    """Stratified fold number per clip: each fold holds both classes in the same proportion."""
    rng = np.random.default_rng(seed)
    ids = np.zeros(len(labels), dtype=np.int64)
    for value in (0, 1):
        members = rng.permutation(np.flatnonzero(labels == value))
        ids[members] = np.arange(len(members)) % folds
    return ids


def out_of_fold_probabilities(
    method: str, logits: np.ndarray, labels: np.ndarray, folds: int = FOLDS, seed: int = 0
) -> np.ndarray:
    """Each clip's calibrated P(fake) from a map fitted on the other folds: an honest ECE."""
    ids = _fold_ids(labels, folds, seed)
    result = np.zeros(len(labels))
    for fold in range(folds):
        inside = ids == fold
        if inside.any() and (~inside).any():
            result[inside] = calibrate_logits(logits[inside], _fit(method, logits[~inside], labels[~inside]))
    return result


def fit_calibration(logits: np.ndarray, labels: np.ndarray, fitted_on: str, folds: int = FOLDS, seed: int = 0) -> dict:
    """The checkpoint's `calibration`: both maps compared by out-of-fold ECE and log-loss, the lower
    ECE kept and refitted on every clip. ece_before is the raw sigmoid's, ece_after the kept map's
    out-of-fold ECE (not its in-sample ECE, which isotonic drives to about 0)."""
    z = np.asarray(logits, dtype=np.float64)
    y = np.asarray(labels, dtype=np.int64)
    if len(np.unique(y)) < 2 or min(np.bincount(y)) < folds:
        raise ValueError(f"calibration needs at least {folds} clips of each class, got {np.bincount(y, minlength=2)}")
    compared = {}
    for method in CALIBRATION_METHODS:
        held_out = out_of_fold_probabilities(method, z, y, folds, seed)
        compared[method] = {"ece": expected_calibration_error(held_out, y), "log_loss": log_loss(held_out, y)}
    method = min(CALIBRATION_METHODS, key=lambda m: (compared[m]["ece"], m != "temperature"))
    return {
        **_fit(method, z, y),
        "ece_before": expected_calibration_error(sigmoid(z), y),
        "ece_after": compared[method]["ece"],
        "bins": ECE_BINS,
        "folds": folds,
        "clips": len(y),
        "fitted_on": fitted_on,
        "compared": {"raw": {"ece": expected_calibration_error(sigmoid(z), y), "log_loss": log_loss(sigmoid(z), y)}}
        | compared,
    }
