"""Checks an inference upload's headers, then streams its body on: refused (and its connection
closed) once it passes the size limit, stalls, falls below the minimum rate, or has a bad
multipart part header."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterable, AsyncIterator, Mapping
from dataclasses import dataclass

from starlette.types import Receive

from proxy.errors import ApiError, quoted
from proxy.multipart import PartHeaderCheck

ACCEPTED_TYPES = ("multipart/form-data", "application/json", "application/octet-stream")
ACCEPTED_HINT = (
    "send the video as multipart field 'file', a raw body (application/octet-stream or video/*), "
    'or JSON {"frames": [...]}'
)
CLOSE = {"Connection": "close"}  # a refused upload's unread rest must not be taken for the next request


@dataclass(frozen=True)
class Pace:
    """How slowly a client may upload: never silent for `idle_s`, and after the first `idle_s` on
    average at least `min_bytes_per_s` (a trickle of a byte every few seconds is not an upload)."""

    idle_s: float
    min_bytes_per_s: float

    def wait_s(self, started: float, received: int, now: float) -> float:
        """How long the next chunk may take to arrive."""
        rate_deadline = started + self.idle_s + received / self.min_bytes_per_s
        return max(0.0, min(self.idle_s, rate_deadline - now))


def forwarded_content_type(header: str | None) -> str:
    """The Content-Type to send TorchServe (whole, so a multipart boundary survives); 415 for anything else."""
    if not header:
        return "application/octet-stream"  # a bare body is the raw video
    media_type = header.split(";", 1)[0].strip().lower()
    if media_type in ACCEPTED_TYPES or media_type.startswith("video/"):
        return header
    message = f"Content-Type {quoted(media_type)} is not accepted: {ACCEPTED_HINT}"
    if media_type == "application/x-www-form-urlencoded":
        message += " (curl --data-binary sends this type unless you add -H 'Content-Type: video/mp4')"
    raise ApiError(415, "unsupported_media_type", message, headers=CLOSE)


def declared_length(headers: Mapping[str, str], limit: int) -> int | None:
    """Content-Length if the client sent one; refuses an empty or over-limit body before reading it."""
    text = headers.get("content-length")
    if text is None:
        return None
    if "transfer-encoding" in headers:
        raise ApiError(
            400, "ambiguous_framing", "send Content-Length or Transfer-Encoding, not both (RFC 9112 6.3)", headers=CLOSE
        )
    if not text.strip().isdigit():
        raise ApiError(400, "bad_content_length", f"Content-Length {quoted(text)} is not a byte count", headers=CLOSE)
    length = int(text)
    if length == 0:
        raise ApiError(400, "empty_body", f"the request has no body: {ACCEPTED_HINT}")
    if length > limit:
        raise too_large(limit)
    return length


def too_large(limit: int) -> ApiError:
    return ApiError(
        413,
        "payload_too_large",
        f"the upload is larger than the limit of {limit / (1024 * 1024):g} MiB",
        headers=CLOSE,
        limit_bytes=limit,
    )


def too_slow(pace: Pace) -> ApiError:
    return ApiError(
        408,
        "upload_too_slow",
        f"the upload stalled or ran below {pace.min_bytes_per_s / 1024:g} KiB/s; the connection is closed",
        headers=CLOSE,
    )


async def paced(receive: Receive, pace: Pace) -> AsyncIterator[bytes]:
    """The request body as the client sends it (the ASGI messages), 408 once it is too slow."""
    started, received = time.monotonic(), 0
    while True:
        try:
            message = await asyncio.wait_for(receive(), pace.wait_s(started, received, time.monotonic()))
        except TimeoutError:
            raise too_slow(pace) from None
        if message["type"] == "http.disconnect":
            raise ApiError(400, "upload_incomplete", "the client closed the connection before the upload ended")
        chunk = message.get("body", b"")
        received += len(chunk)
        if chunk:
            yield chunk
        if not message.get("more_body", False):
            return


async def limited(chunks: AsyncIterable[bytes], limit: int) -> AsyncIterator[bytes]:
    """Yields the body as it arrives; raises 413 as soon as more than `limit` bytes came."""
    received = 0
    async for chunk in chunks:
        received += len(chunk)
        if received > limit:
            raise too_large(limit)
        if chunk:
            yield chunk


async def checked_parts(chunks: AsyncIterable[bytes], check: PartHeaderCheck) -> AsyncIterator[bytes]:
    """A multipart body passed on chunk by chunk once its part headers so far are fine."""
    async for chunk in chunks:
        check.feed(chunk)
        yield chunk
    check.finish()


def upload_body(receive: Receive, content_type: str, limit: int, pace: Pace) -> AsyncIterator[bytes]:
    """The body TorchServe gets: paced, size-limited and, for multipart, with its part headers checked
    (a multipart type without a usable boundary is refused here, before a byte is read)."""
    body = limited(paced(receive, pace), limit)
    if content_type.split(";", 1)[0].strip().lower() == "multipart/form-data":
        body = checked_parts(body, PartHeaderCheck(content_type))
    return body


def upstream_headers(headers: Mapping[str, str], limit: int) -> dict[str, str]:
    """Only what TorchServe needs: the body's type and, when known, its length (else it goes chunked)."""
    forwarded = {"Content-Type": forwarded_content_type(headers.get("content-type"))}
    length = declared_length(headers, limit)
    if length is not None:
        forwarded["Content-Length"] = str(length)
    return forwarded
