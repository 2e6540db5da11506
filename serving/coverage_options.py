"""The coverage options of a request: `coverage=full` (and optionally `window_s`, `stride_s`).

Video bodies carry them as query parameters (`POST /models/deepfake/invoke?coverage=full`): the
TorchServe frontend hands each query parameter to the handler as one more request field, its value
as bytes. JSON frames requests carry them as fields of the JSON body, which serving.inputs parses
(`{"frames": [...], "fps": 25, "coverage": "full"}`). Absent: the 16-frame answer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from model.coverage import CoveragePlan
from model.errors import VideoInputError

OPTION_FIELDS = ("coverage", "window_s", "stride_s")
MODES = ("sampled", "full")


@dataclass(frozen=True)
class CoverageOptions:
    full: bool = False
    window_s: float | None = None
    stride_s: float | None = None

    def plan(self, default: CoveragePlan) -> CoveragePlan:
        """The server's plan with this request's window and stride; 400 if they cannot work."""
        window_s = self.window_s if self.window_s is not None else default.window_s
        # a window given alone keeps the server's overlap (stride / window)
        stride_s = self.stride_s if self.stride_s is not None else window_s * default.stride_s / default.window_s
        plan = replace(default, window_s=window_s, stride_s=stride_s)
        try:
            plan.check()
        except ValueError as error:
            raise VideoInputError(f"coverage options: {error}", "bad_coverage") from error
        return plan


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, (bytes, bytearray)):
        try:
            return bytes(value).decode("utf-8").strip()
        except UnicodeDecodeError:
            raise VideoInputError("coverage options must be text", "bad_coverage") from None
    if isinstance(value, bool):
        raise VideoInputError("coverage options must be text or numbers", "bad_coverage")
    return str(value).strip()


def _seconds(name: str, value) -> float | None:
    text = _text(value)
    if text is None or text == "":
        return None
    try:
        seconds = float(text)
    except ValueError:
        raise VideoInputError(f"{name} must be a number of seconds, got {text[:40]!r}", "bad_coverage") from None
    if not (math.isfinite(seconds) and seconds > 0):
        raise VideoInputError(f"{name} must be a positive number of seconds, got {text[:40]!r}", "bad_coverage")
    return seconds


def read_coverage_options(fields: dict, json_options: dict | None = None) -> CoverageOptions:
    """From the JSON body's fields for frames requests (`json_options`, parsed by serving.inputs),
    else from the query parameters."""
    source = json_options if json_options else fields
    mode = (_text(source.get("coverage")) or "sampled").lower()
    if mode not in MODES:
        raise VideoInputError(f"coverage must be one of {list(MODES)}, got {mode[:40]!r}", "bad_coverage")
    window_s, stride_s = _seconds("window_s", source.get("window_s")), _seconds("stride_s", source.get("stride_s"))
    if mode != "full" and (window_s is not None or stride_s is not None):
        raise VideoInputError("window_s and stride_s are options of coverage=full", "bad_coverage")
    return CoverageOptions(mode == "full", window_s, stride_s)
