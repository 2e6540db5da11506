"""What one request may cost and how the worker uses the CPU, read from the environment.

TorchServe passes its own environment to the worker, so these are set where `torchserve` is
started (e.g. `DEEPFAKE_MAX_DURATION_S=600 torchserve --start ...`). The byte size of a request
is limited by TorchServe itself (`max_request_size` in config.properties).

Torch threads: TorchServe does not tell a worker how many workers share the host, so the worker
count is read from the `models=` entry of the config.properties that TS_CONFIG_FILE names (the
file the server itself runs with), unless DEEPFAKE_WORKERS or DEEPFAKE_TORCH_THREADS say.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

from model.frames import SamplingLimits

ENV_PREFIX = "DEEPFAKE_"


@dataclass(frozen=True)
class HandlerSettings:
    limits: SamplingLimits
    max_json_frames: int  # frames a JSON request may carry (all are decoded before sampling)
    chunk_frames: int  # frames per backbone forward: bounds memory for large batches
    workers: int  # workers sharing this host's cores (TorchServe does not tell the worker)
    torch_threads: int | None  # None: cores / workers

    def threads(self, cores: int) -> int:
        return self.torch_threads or max(1, cores // max(1, self.workers))


def _env(name: str, default, kind):
    raw = os.environ.get(ENV_PREFIX + name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return kind(raw)
    except ValueError as error:
        raise ValueError(f"{ENV_PREFIX}{name}={raw!r} is not a valid {kind.__name__}") from error


def configured_workers(model_name: str, config_file: str | None = None) -> int | None:
    """maxWorkers (else minWorkers) of the model in config.properties' `models=`, if readable."""
    config_file = config_file or os.environ.get("TS_CONFIG_FILE")
    try:
        with open(config_file or "", encoding="utf-8") as lines:
            raw = next((line.split("=", 1)[1] for line in lines if line.strip().startswith("models=")), None)
        versions = json.loads(raw).get(model_name, {}) if raw else {}
    except (OSError, ValueError, AttributeError):
        return None
    counts = [v.get("maxWorkers") or v.get("minWorkers") for v in versions.values() if isinstance(v, dict)]
    return max((int(c) for c in counts if c), default=None)


def read_settings(model_name: str = "deepfake") -> HandlerSettings:
    defaults = SamplingLimits()
    limits = SamplingLimits(
        max_pixels_per_frame=_env("MAX_PIXELS", defaults.max_pixels_per_frame, int),
        max_duration_s=_env("MAX_DURATION_S", defaults.max_duration_s, float),
        max_frames_total=_env("MAX_FRAMES_TOTAL", defaults.max_frames_total, int),
    )
    return HandlerSettings(
        limits=limits,
        max_json_frames=_env("MAX_JSON_FRAMES", 256, int),
        chunk_frames=_env("CHUNK_FRAMES", 64, int),
        workers=_env("WORKERS", None, int) or configured_workers(model_name) or 1,
        torch_threads=_env("TORCH_THREADS", None, int),
    )


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1
