"""The coverage query parameters of /api/predict (`coverage=full`, `window_s`, `stride_s`), checked
and passed on to TorchServe.

TorchServe 0.12 drops the query string of `/predictions/<model>` (its frontend hands the handler
no query parameters on that route); `/models/<model>/invoke` hands them over as request fields.
So a request with coverage parameters goes to the invoke route, everything else to /predictions.
The handler validates the values themselves (400 bad_coverage); the proxy only refuses what it
must not pass on.
"""

from __future__ import annotations

from collections.abc import Mapping

from proxy.errors import ApiError

COVERAGE_PARAMETERS = ("coverage", "window_s", "stride_s")
MAX_VALUE_LENGTH = 32


def coverage_parameters(query: Mapping[str, str], kind: str) -> dict[str, str]:
    """The coverage parameters to pass on ({} for the 16-frame answer). Explanations cover the sampled
    frames only: coverage there is refused, not silently ignored."""
    given = {name: query[name] for name in COVERAGE_PARAMETERS if name in query}
    if not given:
        return {}
    if kind == "explanations":
        raise ApiError(
            400, "coverage_not_explainable", "coverage=full is for /api/predict: explanations cover the sampled frames"
        )
    too_long = [name for name, value in given.items() if len(value) > MAX_VALUE_LENGTH]
    if too_long:
        raise ApiError(
            400, "bad_coverage", f"query parameter {too_long[0]} is longer than {MAX_VALUE_LENGTH} characters"
        )
    return given
