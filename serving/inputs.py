"""Request bodies -> what the detector needs: video bytes, a list of frame images, or a describe.

TorchServe hands each request over as {field name: value}: the raw body is field "body",
multipart fields keep their names ("data" or "file" here), a JSON body arrives already parsed
(or as bytes when it was malformed), a text/* body as str. Decoding and sampling themselves are
`model.frames`' job; this module only finds the payload and checks its shape.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass

from model.errors import VideoInputError
from model.frames import SampledFrames, SamplingLimits, decode_image, sample_clip, sample_images

PAYLOAD_FIELDS = ("data", "file", "body")
JSON_CONTENT_TYPE = "application/json"


@dataclass(frozen=True)
class VideoPayload:
    data: bytes | bytearray  # a video file, or one image (a 1-frame clip); TorchServe gives a bytearray


@dataclass(frozen=True)
class FramesPayload:
    images: list[bytes]  # encoded images (PNG, JPEG, WebP, BMP), in time order
    fps: float | None


@dataclass(frozen=True)
class DescribePayload:
    pass


Payload = VideoPayload | FramesPayload | DescribePayload


def parse_request(fields: dict, content_types: dict[str, str | None], max_json_frames: int) -> Payload:
    """One request of the batch -> its payload. Raises VideoInputError (4xx) for bad bodies."""
    name, value = _payload_field(fields)
    if isinstance(value, (dict, list)):
        return _parse_json(value, max_json_frames)
    if isinstance(value, str):
        value = value.encode("utf-8")
    data = value if isinstance(value, (bytes, bytearray)) else bytes(value)  # no copy of a large upload
    if (content_types.get(name) or "").startswith(JSON_CONTENT_TYPE) or _looks_like_json(data):
        return _parse_json(_load_json(data), max_json_frames)
    if len(data) == 0:
        raise VideoInputError("the request body is empty: send a video file", "empty_input")
    return VideoPayload(data)


def _payload_field(fields: dict) -> tuple[str, object]:
    for name in PAYLOAD_FIELDS:
        if name in fields and fields[name] is not None:
            return name, fields[name]
    if len(fields) == 1:
        return next(iter(fields.items()))
    if not fields:
        raise VideoInputError("the request body is empty: send a video file", "empty_input")
    raise VideoInputError(
        f"no video in the request: send it as the raw body or a multipart field 'data' or 'file' "
        f"(got fields {sorted(fields)})",
        "missing_field",
    )


def _looks_like_json(data: bytes | bytearray) -> bool:
    return bytes(data[:64]).lstrip()[:1] in (b"{", b"[")  # a prefix: stripping all would copy all


def _load_json(data: bytes):
    try:
        return json.loads(data.decode("utf-8"))
    except RecursionError as error:
        raise VideoInputError("the JSON body is nested too deeply", "malformed_json") from error
    except ValueError as error:  # bad UTF-8, bad syntax, a number of more than 4300 digits
        raise VideoInputError(f"the JSON body is malformed: {error}", "malformed_json") from error


def _parse_json(body, max_json_frames: int) -> Payload:
    if not isinstance(body, dict):
        raise VideoInputError('a JSON body must be an object like {"frames": [...]}', "bad_json")
    if body.get("describe") is True:
        return DescribePayload()
    frames = body.get("frames")
    if not isinstance(frames, list) or not all(isinstance(frame, str) for frame in frames):
        raise VideoInputError(
            'a JSON body must be {"frames": ["<base64 image or data: URL>", ...]} or {"describe": true}',
            "bad_json",
        )
    if not frames:
        raise VideoInputError("the frames list is empty", "no_frames")
    if len(frames) > max_json_frames:
        raise VideoInputError(f"{len(frames)} frames sent, the limit is {max_json_frames}", "too_many_frames")
    return FramesPayload([_decode_base64(frame, index) for index, frame in enumerate(frames)], _read_fps(body))


def _decode_base64(text: str, index: int) -> bytes:
    """Plain base64 or a data: URL (what canvas.toDataURL returns)."""
    if text.startswith("data:"):
        header, _, text = text.partition(",")
        if not header.endswith(";base64"):
            raise VideoInputError(f"frame {index}: only base64 data: URLs are accepted", "bad_frame")
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as error:
        raise VideoInputError(f"frame {index} is not valid base64: {error}", "bad_frame") from error


def _read_fps(body: dict) -> float | None:
    fps = body.get("fps")
    if fps is None:
        return None
    if isinstance(fps, bool) or not isinstance(fps, (int, float)) or not 0 < fps <= 1000:
        raise VideoInputError("fps must be a number in (0, 1000]", "bad_json")
    return float(fps)


def sample_payload(payload: VideoPayload | FramesPayload, count: int, limits: SamplingLimits) -> SampledFrames:
    """Decode and sample through `model.frames`, the one implementation training uses too."""
    if isinstance(payload, VideoPayload):
        return sample_clip(payload.data, count, limits)
    return sample_images(
        [_decode_frame(data, index, limits) for index, data in enumerate(payload.images)], count, payload.fps
    )


def _decode_frame(data: bytes, index: int, limits: SamplingLimits):
    try:
        return decode_image(data, limits)
    except VideoInputError as error:
        raise VideoInputError(f"frame {index}: {error.message}", error.code) from error
