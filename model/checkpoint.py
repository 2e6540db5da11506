"""The `.pth` format: one dict, loadable with torch.load(weights_only=True), checked on load.

Keys: state_dict, config (ModelConfig as a dict), threshold, classes, metrics, data, created,
version. A file missing keys or built for another architecture is refused whole, never
half-loaded. Optional (issue 13; older files lack them and still load): calibration,
operating_point, in_distribution (model/calibration.py, model/operating_point.py,
model/in_distribution.py describe each; model/verdict.py applies them).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import torch

from model.config import ModelConfig
from model.faces import FaceDetectorUnavailable, load_face_detector
from model.network import DeepfakeDetector, build_detector

CLASSES = ["real", "fake"]
REQUIRED_KEYS = ("state_dict", "config", "threshold", "classes", "metrics", "data", "created", "version")
DECISION_KEYS = ("calibration", "operating_point", "in_distribution")


class CheckpointError(ValueError):
    pass


def save_checkpoint(
    path: str | Path,
    detector: DeepfakeDetector,
    config: ModelConfig,
    *,
    threshold: float = 0.5,
    metrics: dict | None = None,
    data: dict | None = None,
    version: str = "1.0",
    decision: dict | None = None,
) -> dict:
    """`decision`: any of DECISION_KEYS; with an operating point, `threshold` is its threshold."""
    decision = {key: value for key, value in (decision or {}).items() if value is not None}
    unknown = set(decision) - set(DECISION_KEYS)
    if unknown:
        raise ValueError(f"unknown decision keys {sorted(unknown)}; known: {DECISION_KEYS}")
    if "operating_point" in decision:
        threshold = decision["operating_point"]["threshold"]
    checkpoint = {
        "state_dict": {k: v.detach().cpu() for k, v in detector.state_dict().items()},
        "config": config.to_dict(),
        "threshold": float(threshold),
        "classes": list(CLASSES),
        "metrics": metrics or {},
        "data": data or {},
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "version": str(version),
        **decision,
    }
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(path.suffix + ".tmp")
    torch.save(checkpoint, temporary)
    temporary.replace(path)  # never leave a half-written .pth where a server could load it
    return checkpoint


def read_checkpoint(path: str | Path) -> dict:
    """Load and validate the dict (no network built). Raises CheckpointError with the reason."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"checkpoint not found: {path}")
    try:
        checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:  # pickle, zip and weights_only refusals all mean "not ours"
        raise CheckpointError(f"{path} is not a loadable checkpoint: {error}") from error
    if not isinstance(checkpoint, dict):
        raise CheckpointError(f"{path} holds a {type(checkpoint).__name__}, not a checkpoint dict")
    missing = [key for key in REQUIRED_KEYS if key not in checkpoint]
    if missing:
        raise CheckpointError(f"{path} is missing checkpoint keys {missing}")
    if checkpoint["classes"] != CLASSES:
        raise CheckpointError(f"{path} has classes {checkpoint['classes']}, expected {CLASSES}")
    try:
        ModelConfig.from_dict(checkpoint["config"])
    except (ValueError, TypeError) as error:
        raise CheckpointError(f"{path}: {error}") from error
    return checkpoint


def build_from_checkpoint(checkpoint: dict) -> tuple[DeepfakeDetector, ModelConfig]:
    """Build the network from the checkpoint's config alone and load its weights strictly."""
    config = ModelConfig.from_dict(checkpoint["config"])
    if config.face_crop:
        try:
            load_face_detector()  # now, not at the first request: a server without it must not start
        except FaceDetectorUnavailable as error:
            raise CheckpointError(f"this model crops faces: {error}") from error
    detector = build_detector(config)
    try:
        detector.load_state_dict(checkpoint["state_dict"], strict=True)
    except RuntimeError as error:
        raise CheckpointError(f"weights do not fit {config.arch_name}: {error}") from error
    return detector.eval(), config


def write_random_checkpoint(path: Path) -> Path:
    """A random-init checkpoint at the default served shape: for tests and benchmarks, whose
    figures (speed, memory, contracts) do not depend on the weights. Not a detector."""
    torch.manual_seed(0)
    config = ModelConfig()
    note = "random init, for tests and benchmarks: not a detector"
    save_checkpoint(path, build_detector(config), config, version="1.0", data={"note": note})
    return path


def load_detector(path: str | Path) -> tuple[DeepfakeDetector, ModelConfig, dict]:
    """Network in eval mode, its config, and the checkpoint's metadata (everything but weights)."""
    checkpoint = read_checkpoint(path)
    detector, config = build_from_checkpoint(checkpoint)
    metadata = {k: v for k, v in checkpoint.items() if k != "state_dict"}
    return detector, config, metadata
