"""The one exception type for input the detector cannot use (bad bytes, over a limit)."""


class VideoInputError(ValueError):
    """Input that cannot be turned into frames; `status` is the HTTP status it deserves.

    `code` is a short machine-readable reason (e.g. "undecodable", "too_large") so servers can
    answer `{"error": message, "code": code}` and count rejections by reason.
    """

    def __init__(self, message: str, code: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status

    def to_dict(self) -> dict:
        return {"error": self.message, "code": self.code}
