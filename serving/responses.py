"""The answer JSON of the response contract, built from the sampled frames and the scores."""

from __future__ import annotations

from model.config import ModelConfig
from model.errors import VideoInputError
from model.frames import SampledFrames
from model.inference import ClipScore

DECIMALS = 6
BAD_INPUT_STATUS = 400
OVER_LIMIT_STATUS = 413


def refusal(error: VideoInputError) -> tuple[int, dict]:
    """HTTP status and answer for refused input: 413 when it would cost more than a limit allows, else 400."""
    return OVER_LIMIT_STATUS if error.over_limit else BAD_INPUT_STATUS, {"error": error.message, "code": error.code}


def model_summary(name: str, checkpoint_meta: dict, config: ModelConfig) -> dict:
    """The `model` block of every answer."""
    return {"name": name, "version": str(checkpoint_meta["version"]), "arch": config.arch_name}


def model_description(name: str, checkpoint_meta: dict, config: ModelConfig) -> dict:
    """Everything a client may want to show about the served model (the `describe` answer)."""
    return {
        **model_summary(name, checkpoint_meta, config),
        "num_frames": config.num_frames,
        "image_size": config.image_size,
        "face_crop": config.face_crop,
        "threshold": float(checkpoint_meta["threshold"]),
        "classes": list(checkpoint_meta["classes"]),
        "metrics": checkpoint_meta["metrics"],
        "data": checkpoint_meta["data"],
        "created": checkpoint_meta["created"],
    }


def prediction(
    sampled: SampledFrames,
    score: ClipScore,
    threshold: float,
    model: dict,
    timing_ms: dict,
    faces: list[dict] | None = None,
) -> dict:
    """`faces`: per frame, for face-crop models, the region the network saw and whether it was a face."""
    probability = round(score.probability, DECIMALS)
    label = "fake" if score.probability >= threshold else "real"
    described = sampled.describe()
    frames = {**described["frames"], "scores": [round(p, DECIMALS) for p in score.frame_probabilities]}
    if faces is not None:
        frames["face"] = faces
    return {
        "label": label,
        "probability": probability,
        "confidence": probability if label == "fake" else round(1.0 - score.probability, DECIMALS),
        "threshold": threshold,
        "frames": frames,
        "video": described["video"],
        "model": model,
        "timing_ms": {step: round(ms, 1) for step, ms in timing_ms.items()},
    }
