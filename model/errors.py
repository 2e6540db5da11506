"""The one exception type for input the detector cannot use (bad bytes, over a limit)."""

# Codes of input refused for what it would cost (SamplingLimits, the JSON frame limit), not for
# being unreadable: servers answer these as "too large" rather than "bad input".
LIMIT_CODES = frozenset(
    {
        "too_many_pixels",
        "too_many_streams",
        "too_many_frames",
        "too_long",
        "decode_timeout",
        "json_too_large",
        "too_many_windows",
        "coverage_timeout",
    }
)
# Codes of input in a format the detector does not read at all (servers answer "unsupported media").
UNSUPPORTED_CODES = frozenset({"unsupported_container"})


class VideoInputError(ValueError):
    """Input that cannot be turned into frames.

    `code` is a short machine-readable reason (e.g. "undecodable", "too_long") so servers can
    answer `{"error": message, "code": code}`, pick their status from it, and count rejections
    by reason.
    """

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code

    @property
    def over_limit(self) -> bool:
        return self.code in LIMIT_CODES

    @property
    def unsupported(self) -> bool:
        return self.code in UNSUPPORTED_CODES
