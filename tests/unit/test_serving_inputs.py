"""Request bodies -> payloads: every accepted form and every refusal, without a server."""

from __future__ import annotations

import base64
import json

import pytest

from model.errors import VideoInputError
from serving.inputs import DescribePayload, FramesPayload, VideoPayload, parse_request

PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC")


def parse(fields: dict, content_types: dict | None = None, max_frames: int = 8):
    return parse_request(fields, content_types or {}, max_frames)


def refusal(fields: dict, content_types: dict | None = None, max_frames: int = 8) -> VideoInputError:
    with pytest.raises(VideoInputError) as caught:
        parse(fields, content_types, max_frames)
    return caught.value


def test_raw_body_and_multipart_fields_are_video_bytes():
    assert parse({"body": bytearray(b"\x00\x00\x00\x18ftypmp42")}) == VideoPayload(b"\x00\x00\x00\x18ftypmp42")
    assert parse({"data": b"abc", "other": b"x"}) == VideoPayload(b"abc")
    assert parse({"file": b"abc"}) == VideoPayload(b"abc")


def test_json_frames_accept_plain_base64_and_data_urls():
    text = base64.b64encode(PNG).decode()
    payload = parse({"body": {"frames": [text, "data:image/png;base64," + text], "fps": 25}})
    assert payload == FramesPayload([PNG, PNG], 25.0)


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
        ({"body": {"frames": ["%%%"]}}, {}, "bad_frame"),
        ({"body": {"frames": ["data:image/png,abc"]}}, {}, "bad_frame"),
        ({"body": {"frames": ["AAAA"], "fps": -1}}, {}, "bad_json"),
    ],
)
def test_refusals_carry_a_reason(fields, content_types, code):
    error = refusal(fields, content_types)
    assert error.code == code and not error.over_limit and error.message


def test_too_many_json_frames_is_413():
    error = refusal({"body": {"frames": ["AAAA"] * 9}}, max_frames=8)
    assert (error.code, error.over_limit) == ("too_many_frames", True)


def test_text_body_is_treated_as_bytes():
    assert parse({"body": "hello"}, {"body": "text/plain"}) == VideoPayload(b"hello")
