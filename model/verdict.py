"""From a clip's logit and pooled feature to what people act on: the calibrated P(fake), the
binary `label` (kept for compatibility) and the `verdict`: real | fake | uncertain |
out_of_distribution. One rule for serving, evaluation, analysis and benchmarks.

The rule: an unfamiliar clip (in-distribution check available and failed) is
out_of_distribution, whatever its score; otherwise fake at or above the upper edge of the
uncertain band (never below the threshold), real below its lower edge, uncertain in between.
Checkpoints without a stored operating point (older ones) keep their threshold and get the fixed
+-0.1 band the extension used before; without an in-distribution check nothing is unfamiliar and
the answer says the check is unavailable.
"""

from __future__ import annotations

from dataclasses import dataclass

from model import in_distribution as familiarity
from model.calibration import calibrated_probability, sigmoid

VERDICTS = ("real", "fake", "uncertain", "out_of_distribution")
LEGACY_BAND_HALF_WIDTH = 0.1


def verdict_of(probability: float, threshold: float, band: tuple[float, float], in_distribution_ok: bool | None) -> str:
    if in_distribution_ok is False:
        return "out_of_distribution"
    low, high = min(band[0], threshold), max(band[1], threshold)
    if probability >= high:
        return "fake"
    if probability < low:
        return "real"
    return "uncertain"


def label_of(probability: float, threshold: float) -> str:
    return "fake" if probability >= threshold else "real"


@dataclass(frozen=True)
class Decision:
    probability: float  # calibrated P(fake)
    probability_raw: float  # sigmoid of the logit, before calibration
    label: str  # "real" | "fake" at the threshold alone
    verdict: str
    in_distribution: dict  # {available, score, threshold, ok}


@dataclass(frozen=True)
class DecisionRule:
    """What a checkpoint stores about deciding: calibration, threshold, band, in-distribution check."""

    threshold: float
    band: tuple[float, float]
    calibration: dict | None = None
    in_distribution: dict | None = None

    @classmethod
    def from_checkpoint(cls, checkpoint: dict) -> DecisionRule:
        """From a checkpoint dict or its metadata (everything but the weights)."""
        point = checkpoint.get("operating_point")
        if point:
            threshold, band = float(point["threshold"]), tuple(float(v) for v in point["uncertain_band"])
        else:
            threshold = float(checkpoint["threshold"])
            band = (max(0.0, threshold - LEGACY_BAND_HALF_WIDTH), min(1.0, threshold + LEGACY_BAND_HALF_WIDTH))
        return cls(threshold, band, checkpoint.get("calibration") or None, checkpoint.get("in_distribution") or None)

    def decide(self, logit: float, clip_feature=None, texture: float | None = None) -> Decision:
        """`clip_feature`: the pooled clip feature (D,), needed when the check is available;
        `texture`: ClipScore.texture, for the check's flat-input gate (skipped when None)."""
        if self.in_distribution and clip_feature is None:
            raise ValueError("this checkpoint has an in-distribution check: pass the pooled clip feature")
        probability = calibrated_probability(logit, self.calibration)
        familiar = familiarity.check(clip_feature, self.in_distribution, texture)
        return Decision(
            probability=probability,
            probability_raw=float(sigmoid(float(logit))),
            label=label_of(probability, self.threshold),
            verdict=verdict_of(probability, self.threshold, self.band, familiar["ok"]),
            in_distribution=familiar,
        )
