"""Checks a multipart upload's part headers as the body streams through (the parts' data are not kept).

Every part must be `Content-Disposition: form-data; name="..."` with a plain name (letters, digits,
`._-`): TorchServe's frontend answers a part without a name with a NullPointerException (500) and
one named with a control character with "empty name" (500). The parts are few (a form sends one file)
and their headers short, so a body cannot make the proxy or TorchServe collect thousands of
fields or megabytes of header text. Refusals are 400 `bad_multipart` with the connection closed.
"""

from __future__ import annotations

import re

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from proxy.errors import ApiError, quoted

MAX_PARTS = 16
MAX_NAME_LENGTH = 128
FIELD_NAME = re.compile(rf"[A-Za-z0-9._-]{{1,{MAX_NAME_LENGTH}}}")
MAX_HEADER_BYTES = 8192  # of one part's headers together
CLOSE = {"Connection": "close"}


def bad_multipart(message: str) -> ApiError:
    return ApiError(400, "bad_multipart", message, headers=CLOSE)


def boundary_of(content_type: str) -> bytes:
    _, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if not boundary or len(boundary) > 70:  # RFC 2046: 1 to 70 characters
        raise bad_multipart("a multipart/form-data body needs a boundary of 1 to 70 characters in its Content-Type")
    return boundary


class PartHeaderCheck:
    """Feed it the body's chunks in order; raises ApiError at the first bad part header."""

    def __init__(self, content_type: str):
        self.parts = 0
        self.header_bytes = 0
        self.field: list[bytes] = []
        self.value: list[bytes] = []
        self.headers: dict[bytes, bytes] = {}
        self.problem: str | None = None
        callbacks = {
            "on_part_begin": self.part_begins,
            "on_header_field": lambda data, start, end: self.collect(self.field, data[start:end]),
            "on_header_value": lambda data, start, end: self.collect(self.value, data[start:end]),
            "on_header_end": self.header_ends,
            "on_headers_finished": self.headers_finished,
        }
        self.parser = MultipartParser(boundary_of(content_type), callbacks=callbacks)

    def feed(self, chunk: bytes) -> None:
        try:
            self.parser.write(chunk)
        except MultipartParseError:
            raise bad_multipart("the multipart/form-data body is malformed") from None
        if self.problem:
            raise bad_multipart(self.problem)

    def finish(self) -> None:
        try:
            self.parser.finalize()
        except MultipartParseError:
            raise bad_multipart("the multipart/form-data body is malformed") from None
        if self.parts == 0:
            raise bad_multipart("the multipart/form-data body has no part: send the video as field 'file'")

    def part_begins(self) -> None:
        self.parts += 1
        self.header_bytes = 0
        self.headers = {}
        if self.parts > MAX_PARTS and not self.problem:
            self.problem = f"more than {MAX_PARTS} multipart parts: send the video as one field 'file'"

    def collect(self, into: list[bytes], piece: bytes) -> None:
        self.header_bytes += len(piece)
        if self.header_bytes > MAX_HEADER_BYTES:
            self.problem = self.problem or f"a multipart part's headers exceed {MAX_HEADER_BYTES} bytes"
        else:
            into.append(piece)

    def header_ends(self) -> None:
        self.headers[b"".join(self.field).strip().lower()] = b"".join(self.value).strip()
        self.field.clear()
        self.value.clear()

    def headers_finished(self) -> None:
        if self.problem:
            return
        disposition, options = parse_options_header(self.headers.get(b"content-disposition", b""))
        name = options.get(b"name", b"").decode("utf-8", "replace")
        if disposition != b"form-data" or not name:
            self.problem = "every multipart part needs Content-Disposition: form-data with a name (send field 'file')"
        elif not FIELD_NAME.fullmatch(name):
            self.problem = (
                f"multipart field name {quoted(name, 60)} is not 1 to {MAX_NAME_LENGTH} "
                "letters, digits, '.', '_' or '-'"
            )
