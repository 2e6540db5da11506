"""Upload checks: accepted content types, Content-Length refusals, and the streamed size limit."""

import asyncio

import pytest

from proxy.errors import ApiError
from proxy.upload import declared_length, forwarded_content_type, limited, upstream_headers


@pytest.mark.parametrize(
    "header",
    [
        "multipart/form-data; boundary=----abc",
        "application/json",
        "application/octet-stream",
        "video/mp4",
        "Video/WebM",
    ],
)
def test_accepted_content_types_are_forwarded_whole(header):
    assert forwarded_content_type(header) == header


def test_missing_content_type_is_a_raw_video():
    assert forwarded_content_type(None) == "application/octet-stream"


@pytest.mark.parametrize("header", ["application/x-www-form-urlencoded", "text/plain", "image/png"])
def test_other_content_types_are_refused_with_415_and_a_hint(header):
    with pytest.raises(ApiError) as refused:
        forwarded_content_type(header)
    assert (refused.value.status, refused.value.code) == (415, "unsupported_media_type")
    assert "multipart field 'file'" in refused.value.message


def test_content_length_over_the_limit_is_refused_before_reading():
    with pytest.raises(ApiError) as refused:
        declared_length({"content-length": "1001"}, limit=1000)
    assert (refused.value.status, refused.value.code) == (413, "payload_too_large")
    assert refused.value.details["limit_bytes"] == 1000


@pytest.mark.parametrize(
    "value, code", [("0", "empty_body"), ("12x", "bad_content_length"), ("-5", "bad_content_length")]
)
def test_empty_or_malformed_content_length_is_a_400(value, code):
    with pytest.raises(ApiError) as refused:
        declared_length({"content-length": value}, limit=1000)
    assert (refused.value.status, refused.value.code) == (400, code)


def test_upstream_headers_keep_only_type_and_length():
    headers = {"content-type": "video/mp4", "content-length": "1000", "authorization": "Bearer client", "cookie": "a=b"}
    assert upstream_headers(headers, limit=1000) == {"Content-Type": "video/mp4", "Content-Length": "1000"}
    assert upstream_headers({"content-type": "video/mp4"}, limit=1000) == {"Content-Type": "video/mp4"}


async def chunks_of(sizes):
    for size in sizes:
        yield b"x" * size


def collect(stream):
    async def run():
        return [chunk async for chunk in stream]

    return asyncio.run(run())


def test_stream_at_the_limit_passes_unchanged():
    assert b"".join(collect(limited(chunks_of([400, 0, 600]), limit=1000))) == b"x" * 1000


def test_stream_past_the_limit_stops_with_413_before_the_extra_chunk_is_passed_on():
    passed = []

    async def run():
        async for chunk in limited(chunks_of([600, 600, 600]), limit=1000):
            passed.append(chunk)

    with pytest.raises(ApiError) as refused:
        asyncio.run(run())
    assert refused.value.status == 413
    assert sum(map(len, passed)) == 600
