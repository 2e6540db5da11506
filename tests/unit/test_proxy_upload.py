"""Upload checks: accepted content types, Content-Length refusals, and the streamed size limit."""

import asyncio

import pytest

from proxy.errors import ApiError
from proxy.forwards import ForwardSlots
from proxy.multipart import PartHeaderCheck
from proxy.upload import Pace, declared_length, forwarded_content_type, limited, paced, upstream_headers


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


def test_content_length_with_transfer_encoding_is_ambiguous_framing():
    with pytest.raises(ApiError) as refused:
        upstream_headers({"content-type": "video/mp4", "content-length": "10", "transfer-encoding": "chunked"}, 1000)
    assert (refused.value.status, refused.value.code) == (400, "ambiguous_framing")
    assert refused.value.headers == {"Connection": "close"}


def test_client_text_quoted_in_errors_is_capped():
    with pytest.raises(ApiError) as refused:
        forwarded_content_type("x/" + "y" * 10_000)
    assert len(refused.value.message) < 600


def test_pace_allows_idle_gaps_then_requires_the_average_rate():
    pace = Pace(idle_s=30.0, min_bytes_per_s=1000.0)
    assert pace.wait_s(started=0.0, received=0, now=0.0) == 30.0
    assert pace.wait_s(started=0.0, received=0, now=10.0) == 20.0  # nothing yet: 30 s from the start at most
    assert pace.wait_s(started=0.0, received=100_000, now=40.0) == 30.0  # well ahead of 1000 B/s
    assert pace.wait_s(started=0.0, received=20_000, now=45.0) == 5.0  # 20 kB by 50 s is the minimum


def receive_of(messages, stall_after=None):
    """An ASGI receive: the given messages, then (if stall_after) silence forever."""
    queue = list(messages)

    async def receive():
        if not queue:
            await asyncio.sleep(3600)
        return queue.pop(0)

    return receive


def test_a_stalled_upload_is_408_with_the_connection_closed():
    receive = receive_of([{"type": "http.request", "body": b"x" * 10, "more_body": True}])
    with pytest.raises(ApiError) as refused:
        collect(paced(receive, Pace(idle_s=0.2, min_bytes_per_s=1.0)))
    assert (refused.value.status, refused.value.code, refused.value.headers) == (
        408,
        "upload_too_slow",
        {"Connection": "close"},
    )


def test_a_whole_upload_passes_the_pace_and_a_disconnect_is_incomplete():
    messages = [{"type": "http.request", "body": b"ab", "more_body": True}, {"type": "http.request", "body": b"c"}]
    assert collect(paced(receive_of(messages), Pace(idle_s=1.0, min_bytes_per_s=1.0))) == [b"ab", b"c"]
    with pytest.raises(ApiError) as refused:
        collect(paced(receive_of([{"type": "http.disconnect"}]), Pace(idle_s=1.0, min_bytes_per_s=1.0)))
    assert refused.value.code == "upload_incomplete"


BOUNDARY = "----b0undary"


def multipart(*parts: bytes) -> bytes:
    body = b"".join(b"--" + BOUNDARY.encode() + b"\r\n" + part + b"\r\n" for part in parts)
    return body + b"--" + BOUNDARY.encode() + b"--\r\n"


def part(disposition: str, data: bytes = b"video") -> bytes:
    return f"Content-Disposition: {disposition}\r\nContent-Type: video/mp4\r\n\r\n".encode() + data


def check_multipart(body: bytes, content_type: str = f"multipart/form-data; boundary={BOUNDARY}") -> None:
    check = PartHeaderCheck(content_type)
    for start in range(0, len(body), 7):  # header text split across chunks
        check.feed(body[start : start + 7])
    check.finish()


def test_a_named_part_passes():
    check_multipart(multipart(part('form-data; name="file"; filename="v.mp4"', b"\x00" * 1000)))


@pytest.mark.parametrize(
    "body",
    [
        multipart(part('form-data; filename="v.mp4"')),  # finding 5: TorchServe's NullPointerException, a 500
        multipart(part('form-data; name=""')),
        multipart(part('attachment; name="file"')),
        multipart(b"Content-Type: video/mp4\r\n\r\nvideo"),
        multipart(part('form-data; name="' + "n" * 500 + '"')),
        multipart(part('form-data; name="\x1e"')),  # TorchServe's frontend: "empty name", a 500
        multipart(part('form-data; name="fi le"')),
        multipart(*[part(f'form-data; name="f{i}"') for i in range(17)]),
        multipart(b"X-Long: " + b"h" * 10_000 + b"\r\n" + part('form-data; name="file"')),
        b"--" + BOUNDARY.encode() + b"--\r\n",
        b"not multipart at all",
    ],
    ids=[
        "no name",
        "empty name",
        "not form-data",
        "no disposition",
        "long name",
        "control character",
        "space",
        "17 parts",
        "huge header",
        "none",
        "junk",
    ],
)
def test_bad_parts_are_refused_400(body):
    with pytest.raises(ApiError) as refused:
        check_multipart(body)
    assert (refused.value.status, refused.value.code) == (400, "bad_multipart")
    assert len(refused.value.message) < 300


def test_a_multipart_type_without_a_boundary_is_refused_before_reading():
    with pytest.raises(ApiError) as refused:
        PartHeaderCheck("multipart/form-data")
    assert refused.value.code == "bad_multipart"


def test_forward_slots_refuse_at_the_limit_with_retry_after():
    slots = ForwardSlots(limit=1)

    async def run():
        async with slots.slot():
            with pytest.raises(ApiError) as refused:
                async with slots.slot():
                    pass
        async with slots.slot():  # released again
            pass
        return refused.value

    refused = asyncio.run(run())
    assert (refused.status, refused.code, refused.headers["Retry-After"]) == (503, "busy", "2")
