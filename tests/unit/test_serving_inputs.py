"""Request bodies -> payloads: every accepted form and every refusal, without a server."""

from __future__ import annotations

import base64
import json

import pytest

from model.errors import VideoInputError
from model.frames import SamplingLimits
from serving.inputs import DescribePayload, FramesPayload, JsonLimits, VideoPayload, parse_request, sample_payload

PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC")


def parse(fields: dict, content_types: dict | None = None, max_frames: int = 8, max_bytes: int = 2**20):
    return parse_request(fields, content_types or {}, JsonLimits(max_frames, max_bytes))


def refusal(fields: dict, content_types: dict | None = None, **limits) -> VideoInputError:
    with pytest.raises(VideoInputError) as caught:
        parse(fields, content_types, **limits)
    return caught.value


def test_raw_body_and_multipart_fields_are_video_bytes():
    assert parse({"body": bytearray(b"\x00\x00\x00\x18ftypmp42")}) == VideoPayload(b"\x00\x00\x00\x18ftypmp42")
    assert parse({"data": b"abc", "other": b"x"}) == VideoPayload(b"abc")
    assert parse({"file": b"abc"}) == VideoPayload(b"abc")


def test_json_frames_accept_plain_base64_and_data_urls():
    text = base64.b64encode(PNG).decode()
    payload = parse({"body": {"frames": [text, "data:image/png;base64," + text], "fps": 25}})
    assert payload == FramesPayload([text, "data:image/png;base64," + text], 25.0)
    sampled = sample_payload(payload, 4, SamplingLimits())
    assert [frame.shape for frame in sampled.frames] == [(1, 1, 3)] * 4 and sampled.unique_count == 2


def test_json_sent_without_json_content_type_is_still_json():
    body = json.dumps({"frames": [base64.b64encode(PNG).decode()]}).encode()
    assert isinstance(parse({"body": body}, {"body": "application/octet-stream"}), FramesPayload)


def test_describe():
    assert parse({"body": {"describe": True}}) == DescribePayload()


@pytest.mark.parametrize(
    ("fields", "content_types", "code"),
    [
        ({"body": b""}, {}, "empty_input"),
        ({}, {}, "empty_input"),
        ({"a": b"1", "b": b"2"}, {}, "missing_field"),
        ({"body": b'{"frames": ['}, {"body": "application/json"}, "malformed_json"),
        ({"body": b"\xff\xfe not json"}, {"body": "application/json"}, "malformed_json"),
        ({"body": [1, 2]}, {}, "bad_json"),
        ({"body": {"frames": "abc"}}, {}, "bad_json"),
        ({"body": {"frames": [1]}}, {}, "bad_json"),
        ({"body": {"frames": []}}, {}, "no_frames"),
        ({"body": {"frames": ["AAAA"], "fps": -1}}, {}, "bad_json"),
        ({"body": {"frames": ["AAAA"], "fps": 1e-310}}, {}, "bad_json"),
        ({"body": b'{"frames": ["AAAA"], "fps": 1e999}'}, {"body": "application/json"}, "malformed_json"),
        ({"body": b'{"frames": ["AAAA"], "fps": NaN}'}, {"body": "application/json"}, "malformed_json"),
        ({"body": b'{"frames": ["AAAA"], "fps": -Infinity}'}, {"body": "application/json"}, "malformed_json"),
        ({"body": b"[" * 100_000 + b"]" * 100_000}, {"body": "application/json"}, "malformed_json"),
        # Values TorchServe may have parsed already: never bytes(value) (a number n would cost n bytes).
        ({"body": 3_000_000_000}, {"body": "application/json"}, "bad_json"),
        ({"body": 20_000_000_000.0}, {}, "bad_json"),
        ({"body": True}, {}, "bad_json"),
        ({"body": b"3000000000"}, {"body": "application/json"}, "bad_json"),
        ({"body": b"null"}, {"body": "application/json; charset=utf-8"}, "bad_json"),
        ({"data": b'"text"'}, {"data": "application/json"}, "bad_json"),
    ],
)
def test_refusals_carry_a_reason(fields, content_types, code):
    error = refusal(fields, content_types)
    assert error.code == code and not error.over_limit and error.message


@pytest.mark.parametrize(
    ("frame", "code"),
    [("%%%", "bad_frame"), ("data:image/png,abc", "bad_frame"), ("AAAA", "undecodable_image")],
)
def test_a_bad_frame_is_refused_when_it_is_sampled(frame, code):
    payload = parse({"body": {"frames": [frame]}})
    with pytest.raises(VideoInputError) as caught:
        sample_payload(payload, 4, SamplingLimits())
    assert caught.value.code == code and caught.value.message.startswith("frame 0")


def test_too_many_json_frames_is_413():
    error = refusal({"body": {"frames": ["AAAA"] * 9}}, max_frames=8)
    assert (error.code, error.over_limit) == ("too_many_frames", True)


def test_a_json_body_over_its_byte_limit_is_413_before_parsing():
    error = refusal({"body": b'{"frames": ["' + b"A" * 2000 + b'"]}'}, {"body": "application/json"}, max_bytes=1000)
    assert (error.code, error.over_limit) == ("json_too_large", True)


def test_field_names_quoted_in_an_error_are_capped():
    fields = {"x" * 5000: b"1", "y" * 5000: b"2"}
    error = refusal(fields)
    assert error.code == "missing_field" and len(error.message) < 400


def test_text_body_is_treated_as_bytes():
    assert parse({"body": "hello"}, {"body": "text/plain"}) == VideoPayload(b"hello")
    assert parse({"body": bytearray(b"hello")}, {"body": "text/plain"}) == VideoPayload(b"hello")
