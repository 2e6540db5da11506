"""After training: how the checkpoint decides. Calibration, operating point and the
in-distribution check, fitted on held-out clips only (never on training clips), with the
figures that say how well each does on clips none of them was fitted on.

The held-out clips come in two halves, split by group (a fake and its real stay together):
- the fitting half: calibration, the threshold (genuine clips only), the uncertain band, the
  in-distribution model's features;
- the reporting half: the in-distribution threshold (its coverage is of clips the model was not
  fitted on) and every figure in the report.
"""

from __future__ import annotations

import functools
import operator
from dataclasses import dataclass, field

import numpy as np

from model.calibration import calibrate_logits, expected_calibration_error, fit_calibration, reliability_bins, sigmoid
from model.in_distribution import DEFAULT_COVERAGE, fit_in_distribution, score_features
from model.operating_point import DEFAULT_PRECISION_LEVEL, DEFAULT_TARGET_FPR, choose_operating_point, figures_at


@dataclass
class ScoredClips:
    """Clips scored through the served path: clip logit and pooled feature per clip."""

    name: str
    logits: np.ndarray  # (N,)
    features: np.ndarray  # (N, D)
    labels: np.ndarray  # (N,) 0 real, 1 fake
    groups: list[str]  # pair / source group: halves never split one
    kinds: list[str] = field(default_factory=list)  # scene kind or source, for grouped figures
    paths: list[str] = field(default_factory=list)

    def subset(self, mask: np.ndarray, name: str | None = None) -> ScoredClips:
        index = np.flatnonzero(mask)
        pick = lambda values: [values[i] for i in index] if values else []
        return ScoredClips(
            name or self.name,
            self.logits[index],
            self.features[index],
            self.labels[index],
            pick(self.groups),
            pick(self.kinds),
            pick(self.paths),
        )

    @staticmethod
    def join(name: str, parts: list[ScoredClips]) -> ScoredClips:
        return ScoredClips(
            name,
            np.concatenate([p.logits for p in parts]),
            np.concatenate([p.features for p in parts]),
            np.concatenate([p.labels for p in parts]),
            functools.reduce(operator.iadd, (p.groups for p in parts), []),
            functools.reduce(operator.iadd, (p.kinds for p in parts), []),
            functools.reduce(operator.iadd, (p.paths for p in parts), []),
        )


def split_halves(clips: ScoredClips, seed: int) -> tuple[ScoredClips, ScoredClips]:
    """(fitting half, reporting half), split by group at random with a fixed seed."""
    groups = sorted(set(clips.groups))
    chosen = set(np.random.default_rng(seed).permutation(groups)[: len(groups) // 2].tolist())
    mask = np.array([g in chosen for g in clips.groups])
    return clips.subset(mask, f"{clips.name} (fitting half)"), clips.subset(~mask, f"{clips.name} (reporting half)")


@dataclass(frozen=True)
class DecisionSettings:
    target_fpr: float = DEFAULT_TARGET_FPR
    precision_level: float = DEFAULT_PRECISION_LEVEL
    coverage: float = DEFAULT_COVERAGE  # of familiar held-out clips the in-distribution check accepts
    seed: int = 0


def fit_decision(
    fitting: ScoredClips,
    reporting: ScoredClips,
    foreign_features: np.ndarray | None,
    settings: DecisionSettings,
    genuine_fitting: ScoredClips | None = None,
) -> dict:
    """The checkpoint's calibration, operating_point and in_distribution.

    `fitting`: labelled held-out clips (both classes); `genuine_fitting`: the genuine clips the
    threshold is chosen on (default: the reals of `fitting`); `reporting`: clips of the same kinds,
    used for the in-distribution threshold; `foreign_features`: pooled features of plainly foreign
    clips (flat colour, noise), only to compare the two in-distribution measures."""
    genuine = genuine_fitting if genuine_fitting is not None else fitting.subset(fitting.labels == 0)
    calibration = fit_calibration(fitting.logits, fitting.labels, fitted_on=fitting.name, seed=settings.seed)
    probabilities = calibrate_logits(fitting.logits, calibration)
    operating_point = choose_operating_point(
        probabilities,
        fitting.labels,
        calibrate_logits(genuine.logits, calibration),
        target_fpr=settings.target_fpr,
        precision_level=settings.precision_level,
        chosen_on=f"{fitting.name}; threshold on {genuine.name} ({len(genuine.labels)} genuine clips)",
    )
    in_distribution = fit_in_distribution(
        fitting.features,
        fitting.labels,
        reporting.features,
        foreign_features,
        coverage=settings.coverage,
        seed=settings.seed,
        fitted_on=f"features of {fitting.name}; threshold at {settings.coverage:.0%} of {reporting.name}",
    )
    return {"calibration": calibration, "operating_point": operating_point, "in_distribution": in_distribution}


def evaluate_clips(clips: ScoredClips, decision: dict) -> dict:
    """Figures of scored clips under a fitted decision (or the checkpoint's: same keys)."""
    from .metrics import compute_metrics

    calibration, point = decision.get("calibration"), decision["operating_point"]
    probabilities = calibrate_logits(clips.logits, calibration)
    familiar = None
    if decision.get("in_distribution"):
        scores = score_features(clips.features, decision["in_distribution"])
        familiar = scores <= float(decision["in_distribution"]["threshold"])
    band = tuple(point["uncertain_band"])
    figures = {
        "clips": len(clips.labels),
        "genuine": int((clips.labels == 0).sum()),
        "fake": int((clips.labels == 1).sum()),
        "ece_raw": expected_calibration_error(sigmoid(clips.logits), clips.labels),
        "ece_calibrated": expected_calibration_error(probabilities, clips.labels),
        "at_operating_point": figures_at(probabilities, clips.labels, point["threshold"], band, familiar),
        "in_distribution_flagged": None if familiar is None else float((~familiar).mean()),
        "reliability": reliability_bins(probabilities, clips.labels),
        "reliability_raw": reliability_bins(sigmoid(clips.logits), clips.labels),
    }
    if len(np.unique(clips.labels)) == 2:
        figures["metrics"] = compute_metrics(clips.labels, probabilities, point["threshold"])
    return figures
