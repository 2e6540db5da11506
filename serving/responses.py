"""The answer JSON of the response contract, built from the sampled frames, the scores and the
checkpoint's decision rule (model.verdict: calibration, operating point, in-distribution check)."""

from __future__ import annotations

import math

from model.calibration import calibrate_logits
from model.config import ModelConfig
from model.errors import VideoInputError
from model.frames import SampledFrames
from model.inference import ClipScore
from model.verdict import Decision, DecisionRule

DECIMALS = 6
BAD_INPUT_STATUS = 400
OVER_LIMIT_STATUS = 413
UNSUPPORTED_STATUS = 415
UNSTATED_TRAINING_DATA = "not stated in the checkpoint"
SYNTHETIC_DEMO_DATA = "synthetic demo data"


def refusal(error: VideoInputError) -> tuple[int, dict]:
    """HTTP status and answer for refused input: 413 when it would cost more than a limit allows, 415 for a
    format the detector does not read, else 400."""
    status = OVER_LIMIT_STATUS if error.over_limit else UNSUPPORTED_STATUS if error.unsupported else BAD_INPUT_STATUS
    return status, {"error": error.message, "code": error.code}


def training_data(checkpoint_meta: dict) -> tuple[str, bool]:
    """(trained_on, demo) from the checkpoint's `data`. Older checkpoints lack both keys: one made
    by `python -m train` on `train.synth` data says so under `data.synthetic`, anything else
    is "not stated" and not known to be a demo."""
    data = checkpoint_meta.get("data") if isinstance(checkpoint_meta.get("data"), dict) else {}
    synthetic = bool(data.get("synthetic"))
    trained_on = data.get("trained_on")
    if not isinstance(trained_on, str) or not trained_on:
        trained_on = SYNTHETIC_DEMO_DATA if synthetic else UNSTATED_TRAINING_DATA
    demo = data.get("demo")
    return trained_on, bool(demo) if isinstance(demo, bool) else synthetic


def model_summary(name: str, checkpoint_meta: dict, config: ModelConfig) -> dict:
    """The `model` block of every answer."""
    trained_on, demo = training_data(checkpoint_meta)
    return {
        "name": name,
        "version": str(checkpoint_meta["version"]),
        "arch": config.arch_name,
        "trained_on": trained_on,
        "demo": demo,
    }


def calibration_summary(calibration: dict | None) -> dict:
    """`calibration` of the describe answer: the fitted map's figures, not its steps."""
    if not calibration:
        return {"available": False, "method": "none (plain sigmoid of the logit)"}
    kept = ("method", "temperature", "ece_before", "ece_after", "bins", "folds", "clips", "fitted_on", "compared")
    summary = {key: calibration[key] for key in kept if key in calibration}
    if calibration.get("isotonic"):
        summary["isotonic_steps"] = len(calibration["isotonic"]["x"])
    return {"available": True, **summary}


def in_distribution_summary(in_distribution: dict | None) -> dict:
    """`in_distribution` of the describe answer: method, threshold and how it was chosen (no state)."""
    if not in_distribution:
        return {"available": False}
    kept = ("method", "threshold", "coverage", "feature", "fitted_on", "compared")
    return {"available": True, **{key: in_distribution[key] for key in kept if key in in_distribution}}


def operating_point_summary(rule: DecisionRule, checkpoint_meta: dict) -> dict:
    """`operating_point` of the describe answer: the stored one, or what an older checkpoint implies."""
    point = checkpoint_meta.get("operating_point")
    if point:
        return {"available": True, **{key: value for key, value in point.items() if key != "genuine_scores"}}
    return {
        "available": False,
        "threshold": rule.threshold,
        "uncertain_band": list(rule.band),
        "note": "no operating point stored: the checkpoint's threshold with a fixed +-0.1 uncertain band",
    }


def model_description(name: str, checkpoint_meta: dict, config: ModelConfig, rule: DecisionRule) -> dict:
    """Everything a client may want to show about the served model (the `describe` answer)."""
    return {
        **model_summary(name, checkpoint_meta, config),
        "num_frames": config.num_frames,
        "image_size": config.image_size,
        "face_crop": config.face_crop,
        "threshold": rule.threshold,
        "classes": list(checkpoint_meta["classes"]),
        "metrics": checkpoint_meta["metrics"],
        "data": checkpoint_meta["data"],
        "created": checkpoint_meta["created"],
        "operating_point": operating_point_summary(rule, checkpoint_meta),
        "calibration": calibration_summary(rule.calibration),
        "in_distribution": in_distribution_summary(rule.in_distribution),
    }


def rounded(value: float | None) -> float | None:
    """6 decimals; None for a missing or non-finite value (JSON has no NaN or infinity)."""
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), DECIMALS)


def decision_fields(decision: Decision, threshold: float) -> dict:
    """label, probability (calibrated), confidence, threshold, verdict, in_distribution, probability_raw."""
    probability = rounded(decision.probability)
    checked = decision.in_distribution
    return {
        "label": decision.label,
        "probability": probability,
        "confidence": probability if decision.label == "fake" else rounded(1.0 - decision.probability),
        "threshold": threshold,
        "verdict": decision.verdict,
        "in_distribution": {**checked, "score": rounded(checked["score"]), "threshold": rounded(checked["threshold"])},
        "probability_raw": rounded(decision.probability_raw),
    }


def prediction(
    sampled: SampledFrames,
    score: ClipScore,
    rule: DecisionRule,
    model: dict,
    timing_ms: dict,
    faces: list[dict] | None = None,
    decision: Decision | None = None,
) -> dict:
    """`faces`: per frame, for face-crop models, the region the network saw and whether it was a face.
    `frames.scores` go through the clip's calibration map, so they compare with the threshold.
    `decision`: what decides the clip when not its own score (a face track's, serving/face_answers.py)."""
    decision = decision or rule.decide(score.logit, score.clip_feature, score.texture)
    described = sampled.describe()
    frame_scores = calibrate_logits(score.frame_logits, rule.calibration).tolist()
    frames = {**described["frames"], "scores": [rounded(p) for p in frame_scores]}
    if faces is not None:
        frames["face"] = faces
    return {
        **decision_fields(decision, rule.threshold),
        "frames": frames,
        "video": described["video"],
        "model": model,
        "timing_ms": {step: round(ms, 1) for step, ms in timing_ms.items()},
    }


def non_finite_paths(value, path: str = "") -> list[str]:
    """Where an answer holds NaN or an infinity (which json.dumps would write as bare NaN/Infinity: not JSON)."""
    if isinstance(value, float):
        return [] if math.isfinite(value) else [path or "."]
    if isinstance(value, dict):
        return [found for key, item in value.items() for found in non_finite_paths(item, f"{path}.{key}")]
    if isinstance(value, (list, tuple)):
        return [found for index, item in enumerate(value) for found in non_finite_paths(item, f"{path}[{index}]")]
    return []
