"""Checks an inference upload's headers and streams its body on, refusing it once it passes the size limit."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Mapping

from starlette.requests import ClientDisconnect

from proxy.errors import ApiError

ACCEPTED_TYPES = ("multipart/form-data", "application/json", "application/octet-stream")
ACCEPTED_HINT = (
    "send the video as multipart field 'file', a raw body (application/octet-stream or video/*), "
    'or JSON {"frames": [...]}'
)


def forwarded_content_type(header: str | None) -> str:
    """The Content-Type to send TorchServe (whole, so a multipart boundary survives); 415 for anything else."""
    if not header:
        return "application/octet-stream"  # a bare body is the raw video
    media_type = header.split(";", 1)[0].strip().lower()
    if media_type in ACCEPTED_TYPES or media_type.startswith("video/"):
        return header
    message = f"Content-Type {media_type!r} is not accepted: {ACCEPTED_HINT}"
    if media_type == "application/x-www-form-urlencoded":
        message += " (curl --data-binary sends this type unless you add -H 'Content-Type: video/mp4')"
    raise ApiError(415, "unsupported_media_type", message)


def declared_length(headers: Mapping[str, str], limit: int) -> int | None:
    """Content-Length if the client sent one; refuses an empty or over-limit body before reading it."""
    text = headers.get("content-length")
    if text is None:
        return None
    if not text.strip().isdigit():
        raise ApiError(400, "bad_content_length", f"Content-Length {text!r} is not a byte count")
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
        limit_bytes=limit,
    )


async def limited(chunks: AsyncIterable[bytes], limit: int) -> AsyncIterator[bytes]:
    """Yields the body as it arrives; raises 413 as soon as more than `limit` bytes came."""
    received = 0
    try:
        async for chunk in chunks:
            received += len(chunk)
            if received > limit:
                raise too_large(limit)
            if chunk:
                yield chunk
    except ClientDisconnect:
        raise ApiError(400, "upload_incomplete", "the client closed the connection before the upload ended") from None


def upstream_headers(headers: Mapping[str, str], limit: int) -> dict[str, str]:
    """Only what TorchServe needs: the body's type and, when known, its length (else it goes chunked)."""
    forwarded = {"Content-Type": forwarded_content_type(headers.get("content-type"))}
    length = declared_length(headers, limit)
    if length is not None:
        forwarded["Content-Length"] = str(length)
    return forwarded
