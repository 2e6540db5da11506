"""What one request may cost and how the worker uses the CPU, read from the environment.

TorchServe passes its own environment to the worker, so these are set where `torchserve` is
started (e.g. `DEEPFAKE_MAX_DURATION_S=600 torchserve --start ...`), or as lower-case keys in the
config.properties that TS_CONFIG_FILE names (`deepfake_max_duration_s=600`; TorchServe ignores
keys it does not know). The environment wins. The byte size of a request is limited by
TorchServe itself (`max_request_size` in config.properties).

Torch threads: DEEPFAKE_TORCH_THREADS fixes them; unset, each batch gets the cores shared among
the workers busy at that moment (serving/core_share.py). The configured worker count (the
`models=` entry of the config.properties that TS_CONFIG_FILE names, or DEEPFAKE_WORKERS; TorchServe
does not tell a worker) gives the count under full load, used at start and in the warm-up.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field

from model.coverage import CoveragePlan
from model.defaults import DEFAULT_PRECISION
from model.frames import SamplingLimits
from model.inference import DEFAULT_CHUNK_FRAMES
from serving.inputs import JsonLimits
from serving.provenance import ProvenanceLimits

ENV_PREFIX = "DEEPFAKE_"


@dataclass(frozen=True)
class HandlerSettings:
    limits: SamplingLimits
    json: JsonLimits  # frames a JSON request may list (only the sampled ones are decoded), its bytes
    chunk_frames: int  # frames per backbone forward: bounds memory for large batches
    workers: int  # workers sharing this host's cores (TorchServe does not tell the worker)
    torch_threads: int | None  # None: shared per batch among the busy workers (core_share.py)
    precision: str  # forward pass: "auto" (bf16 where the CPU has it natively), "fp32" or "bf16"
    provenance: ProvenanceLimits
    coverage: CoveragePlan = field(default_factory=CoveragePlan)  # coverage=full requests: windows and their limits

    def threads(self, cores: int) -> int:
        return self.torch_threads or max(1, cores // max(1, self.workers))


def _env(name: str, default, kind, properties: dict[str, str] | None = None):
    """DEEPFAKE_<NAME> from the environment, else deepfake_<name> from config.properties, else default."""
    key = ENV_PREFIX + name
    raw = os.environ.get(key)
    if raw is None or raw.strip() == "":
        key = key.lower()
        raw = (properties or {}).get(key)
    if raw is None or raw.strip() == "":
        return default
    try:
        return kind(raw)
    except ValueError as error:
        raise ValueError(f"{key}={raw!r} is not a valid {kind.__name__}") from error


def configured_properties(config_file: str | None = None) -> dict[str, str]:
    """Every key of the config.properties TorchServe runs with (TS_CONFIG_FILE); {} if unreadable.

    Read once per worker start: the deepfake_* limits and the `models=` entry come from it.
    """
    config_file = config_file or os.environ.get("TS_CONFIG_FILE")
    try:
        with open(config_file or "", encoding="utf-8") as lines:
            pairs = [line.split("=", 1) for line in lines if "=" in line and not line.lstrip().startswith("#")]
    except OSError:
        return {}
    return {key.strip(): value.strip() for key, value in pairs}


def workers_in_models_entry(properties: dict[str, str], model_name: str) -> int | None:
    """maxWorkers (else minWorkers) of the model in the `models=` entry, if readable."""
    try:
        versions = json.loads(properties.get("models") or "{}").get(model_name, {})
    except (ValueError, AttributeError):
        return None
    counts = [v.get("maxWorkers") or v.get("minWorkers") for v in versions.values() if isinstance(v, dict)]
    return max((int(c) for c in counts if c), default=None)


def configured_workers(model_name: str, config_file: str | None = None) -> int | None:
    """maxWorkers (else minWorkers) of the model in config.properties' `models=`, if readable."""
    return workers_in_models_entry(configured_properties(config_file), model_name)


# Which DEEPFAKE_<NAME> setting sets which field of the model's own settings dataclasses.
SAMPLING_ENV_NAMES = {
    "max_pixels_per_frame": "MAX_PIXELS",
    "max_duration_s": "MAX_DURATION_S",
    "max_frames_total": "MAX_FRAMES_TOTAL",
    "max_decode_s": "MAX_DECODE_S",
    "max_request_pixels": "MAX_REQUEST_PIXELS",
}
COVERAGE_ENV_NAMES = {
    "window_s": "COVERAGE_WINDOW_S",
    "stride_s": "COVERAGE_STRIDE_S",
    "frames_per_window": "COVERAGE_FRAMES_PER_WINDOW",
    "max_windows": "COVERAGE_MAX_WINDOWS",
    "max_seconds": "COVERAGE_MAX_S",
}


def _settings_from_env(settings_class, env_names: dict[str, str], properties: dict[str, str]):
    """settings_class() with each named field read by _env, as the type of its default."""
    defaults = settings_class()
    values = {}
    for field_name, env_name in env_names.items():
        default = getattr(defaults, field_name)
        values[field_name] = _env(env_name, default, type(default), properties)
    return settings_class(**values)


def read_settings(model_name: str = "deepfake") -> HandlerSettings:
    properties = configured_properties()
    limits = _settings_from_env(SamplingLimits, SAMPLING_ENV_NAMES, properties)
    coverage = _settings_from_env(CoveragePlan, COVERAGE_ENV_NAMES, properties)
    coverage.check()  # a bad setting stops the worker at start with the reason, not at the first request
    return HandlerSettings(
        coverage=coverage,
        limits=limits,
        json=JsonLimits(
            max_frames=_env("MAX_JSON_FRAMES", 256, int, properties),
            max_bytes=_env("MAX_JSON_BYTES", 32 * 2**20, int, properties),
        ),
        chunk_frames=_env("CHUNK_FRAMES", DEFAULT_CHUNK_FRAMES, int, properties),
        workers=_env("WORKERS", None, int, properties) or workers_in_models_entry(properties, model_name) or 1,
        torch_threads=_env("TORCH_THREADS", None, int, properties),
        precision=_env("PRECISION", DEFAULT_PRECISION, str, properties).lower(),
        provenance=ProvenanceLimits(
            # Every upload TorchServe accepts (max_request_size, 210 MiB) is checked by default.
            max_bytes=int(_env("PROVENANCE_MAX_MB", 210.0, float, properties) * 2**20),
            timeout_s=_env("PROVENANCE_TIMEOUT_S", 10.0, float, properties),
            max_manifest_mb=_env("PROVENANCE_MAX_MANIFEST_MB", 16, int, properties),
            # ~60 MB for the reader itself, plus the file (measured: 77 MB peak for a 16 MB video).
            memory_mb=_env("PROVENANCE_MEMORY_MB", 1024, int, properties),
        ),
    )


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1
