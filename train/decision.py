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

from dataclasses import dataclass, field

import numpy as np

from model.calibration import (
    calibrate_logits,
    ece_noise_floor,
    expected_calibration_error,
    fit_calibration,
    reliability_bins,
    sigmoid,
)
from model.defaults import DEFAULT_COVERAGE
from model.in_distribution import fit_in_distribution, score_features
from model.operating_point import (
    DEFAULT_FPR_CONFIDENCE,
    DEFAULT_PRECISION_LEVEL,
    DEFAULT_TARGET_FPR,
    choose_operating_point,
    figures_at,
)


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
    textures: np.ndarray | None = None  # (N,) model.in_distribution.texture_of each clip, where known

    def subset(self, mask: np.ndarray, name: str | None = None) -> ScoredClips:
        index = np.flatnonzero(mask)

        def pick(values: list) -> list:
            return [values[i] for i in index] if values else []

        return ScoredClips(
            name or self.name,
            self.logits[index],
            self.features[index],
            self.labels[index],
            pick(self.groups),
            pick(self.kinds),
            pick(self.paths),
            None if self.textures is None else self.textures[index],
        )

    @staticmethod
    def join(name: str, parts: list[ScoredClips]) -> ScoredClips:
        return ScoredClips(
            name,
            np.concatenate([p.logits for p in parts]),
            np.concatenate([p.features for p in parts]),
            np.concatenate([p.labels for p in parts]),
            [g for p in parts for g in p.groups],
            [k for p in parts for k in p.kinds],
            [q for p in parts for q in p.paths],
            None if any(p.textures is None for p in parts) else np.concatenate([p.textures for p in parts]),
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
    fpr_confidence: float = DEFAULT_FPR_CONFIDENCE  # the threshold's margin for unseen sources


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
        genuine_groups=genuine.groups,
        fpr_confidence=settings.fpr_confidence,
        seed=settings.seed,
    )
    in_distribution = fit_in_distribution(
        fitting.features,
        fitting.labels,
        reporting.features,
        foreign_features,
        coverage=settings.coverage,
        seed=settings.seed,
        fitted_on=f"features of {fitting.name}; threshold at {settings.coverage:.0%} of {reporting.name}",
        heldout_textures=reporting.textures,
    )
    return {"calibration": calibration, "operating_point": operating_point, "in_distribution": in_distribution}


def evaluate_clips(clips: ScoredClips, decision: dict) -> dict:
    """Figures of scored clips under a fitted decision (or the checkpoint's: same keys)."""
    from train.metrics import compute_metrics

    calibration, point = decision.get("calibration"), decision["operating_point"]
    probabilities = calibrate_logits(clips.logits, calibration)
    familiar = None
    if decision.get("in_distribution"):
        check = decision["in_distribution"]
        familiar = score_features(clips.features, check) <= float(check["threshold"])
        if check.get("texture_gate") and clips.textures is not None:
            familiar &= clips.textures >= float(check["texture_gate"]["low"])
    band = tuple(point["uncertain_band"])
    figures = {
        "clips": len(clips.labels),
        "genuine": int((clips.labels == 0).sum()),
        "fake": int((clips.labels == 1).sum()),
        "ece_raw": expected_calibration_error(sigmoid(clips.logits), clips.labels),
        "ece_calibrated": expected_calibration_error(probabilities, clips.labels),
        "ece_noise_floor": ece_noise_floor(probabilities),
        "at_operating_point": figures_at(probabilities, clips.labels, point["threshold"], band, familiar),
        "in_distribution_flagged": None if familiar is None else float((~familiar).mean()),
        "reliability": reliability_bins(probabilities, clips.labels),
        "reliability_raw": reliability_bins(sigmoid(clips.logits), clips.labels),
    }
    if len(np.unique(clips.labels)) == 2:
        figures["metrics"] = compute_metrics(clips.labels, probabilities, point["threshold"])
    return figures


def score_cached(detector, config, videos, bf16: bool, pixels_of) -> ScoredClips:
    """Validation videos of `python -m train` (cached frames, as validation scores them) with
    their logits and pooled features, for fit_decision."""
    from model.inference import DEFAULT_CHUNK_FRAMES, score_pixel_clips

    per_forward = max(1, DEFAULT_CHUNK_FRAMES // config.num_frames)
    scores = []
    for start in range(0, len(videos), per_forward):
        scores += score_pixel_clips(detector, [pixels_of(v) for v in videos[start : start + per_forward]], config, bf16)
    return ScoredClips(
        "validation split",
        np.array([s.logit for s in scores]),
        np.stack([s.clip_feature for s in scores]) if scores else np.zeros((0, 512)),
        np.array([v.item.label for v in videos], dtype=np.int64),
        [v.item.group for v in videos],
        [v.item.path.parent.name for v in videos],
        [str(v.item.path) for v in videos],
        np.array([s.texture for s in scores]),
    )


def fit_on_validation(detector, config, videos, bf16: bool, pixels_of, settings: DecisionSettings) -> tuple:
    """(decision or None, reason, scored validation): the decision fitted on half the validation
    split by group, its in-distribution threshold on the other half. None when the split is too
    small to fit it (fewer than 5 videos of a class in the fitting half): the checkpoint then has
    no decision keys and serves with its plain threshold."""
    from train.heldout import score_frame_clips
    from train.synth.probes import foreign_clips

    scored = score_cached(detector, config, videos, bf16, pixels_of)
    fitting, reporting = split_halves(scored, settings.seed)
    counts = np.bincount(fitting.labels, minlength=2)
    if min(counts) < 5 or len(reporting.labels) == 0:
        return None, f"validation split too small to fit a decision (fitting half: {counts.tolist()} real/fake)", scored
    _, foreign, _ = score_frame_clips(detector, foreign_clips(config.num_frames, config.image_size), config, bf16)
    return fit_decision(fitting, reporting, foreign, settings), "fitted", scored


def calibrate_probabilities(probabilities: np.ndarray, calibration: dict) -> np.ndarray:
    """Calibrated P(fake) from the sigmoid ones (the logit recovered: the map works on logits)."""
    p = np.clip(np.asarray(probabilities, dtype=np.float64), 1e-12, 1 - 1e-12)
    return calibrate_logits(np.log(p) - np.log1p(-p), calibration)
