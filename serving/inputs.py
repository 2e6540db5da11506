"""Request bodies -> what the detector needs: video bytes, a list of frame images, or a describe.

TorchServe hands each request over as {field name: value}: the raw body is field "body",
multipart fields keep their names ("data" or "file" here). The handler turns TorchServe's own
JSON and text decoding off (TS_DECODE_INPUT_REQUEST=false, see deepfake_handler.py), so every
value is the bytes the client sent and JSON is parsed here, under a size budget, refusing
non-finite numbers. Should a value still arrive decoded (another TorchServe setup), only an
object is taken as JSON; anything else is refused without being turned into bytes (`bytes(n)`
of a number n would allocate n bytes). Decoding and sampling are `model.frames`' job; this
module only finds the payload and checks its shape.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from dataclasses import dataclass, field

from model.errors import VideoInputError
from model.frames import SampledFrames, SamplingLimits, decode_encoded_images, sample_clip, sample_encoded_images
from serving.coverage_options import OPTION_FIELDS

PAYLOAD_FIELDS = ("data", "file", "body")
# Query parameters arrive as fields too (on TorchServe's /models/<name>/invoke and /invocations routes)
QUERY_FIELDS = (*OPTION_FIELDS, "model_name")
JSON_CONTENT_TYPE = "application/json"
MIN_FPS, MAX_FPS = 1e-4, 1000.0  # a 16-frame capture of a 24-hour video is 1.9e-4 fps
QUOTE_LIMIT = 200  # characters of client input quoted back in an error message


@dataclass(frozen=True)
class JsonLimits:
    max_frames: int  # frames a JSON request may list (only the sampled ones are decoded)
    max_bytes: int  # size of a JSON body


@dataclass(frozen=True)
class VideoPayload:
    data: bytes | bytearray  # a video file, or one image (a 1-frame clip); TorchServe gives a bytearray


@dataclass(frozen=True)
class FramesPayload:
    frames: list[str]  # base64 images (PNG, JPEG, WebP, BMP) or data: URLs, in time order; decoded when sampled
    fps: float | None
    options: dict = field(default_factory=dict)  # the body's coverage options (serving.coverage_options)


@dataclass(frozen=True)
class DescribePayload:
    pass


Payload = VideoPayload | FramesPayload | DescribePayload


def parse_request(fields: dict, content_types: dict[str, str | None], limits: JsonLimits) -> Payload:
    """One request of the batch -> its payload. Raises VideoInputError (4xx) for bad bodies."""
    name, value = _payload_field(fields)
    if isinstance(value, dict):  # already parsed by TorchServe
        return _parse_json(value, limits)
    if isinstance(value, str):  # a text/* body TorchServe decoded: its size is the body's
        value = value.encode("utf-8")
    if not isinstance(value, (bytes, bytearray)):
        raise VideoInputError(_JSON_SHAPE, "bad_json")  # a bare JSON number, list, true or null
    if (content_types.get(name) or "").startswith(JSON_CONTENT_TYPE) or _looks_like_json(value):
        return _parse_json(_load_json(value, limits.max_bytes), limits)
    if len(value) == 0:
        raise VideoInputError("the request body is empty: send a video file", "empty_input")
    return VideoPayload(value)


def quoted(text: str, limit: int = QUOTE_LIMIT) -> str:
    """Client input for an error message: repr'd, and cut to `limit` characters (proxy/errors.py has the
    same for the proxy's messages: the .mar carries serving/ and model/ only)."""
    text = repr(text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _payload_field(fields: dict) -> tuple[str, object]:
    for name in PAYLOAD_FIELDS:
        if name in fields and fields[name] is not None:
            return name, fields[name]
    fields = {name: value for name, value in fields.items() if name not in QUERY_FIELDS}
    if len(fields) == 1:
        return next(iter(fields.items()))
    if not fields:
        raise VideoInputError("the request body is empty: send a video file", "empty_input")
    names = quoted(", ".join(sorted(str(name) for name in fields)))
    raise VideoInputError(
        f"no video in the request: send it as the raw body or a multipart field 'data' or 'file' "
        f"({len(fields)} fields: {names})",
        "missing_field",
    )


def _looks_like_json(data: bytes | bytearray) -> bool:
    return bytes(data[:64]).lstrip()[:1] in (b"{", b"[")  # a prefix: stripping all would copy all


_JSON_SHAPE = (
    'a JSON body must be an object like {"frames": ["<base64 image or data: URL>", ...]} or {"describe": true}'
)


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a number JSON allows")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"the number {text[:40]} is too large")
    return value


def _load_json(data: bytes | bytearray, max_bytes: int):
    if len(data) > max_bytes:
        raise VideoInputError(
            f"the JSON body is {len(data)} bytes, over the limit of {max_bytes} bytes", "json_too_large"
        )
    try:
        return json.loads(data.decode("utf-8"), parse_constant=_refuse_constant, parse_float=_finite_float)
    except RecursionError as error:
        raise VideoInputError("the JSON body is nested too deeply", "malformed_json") from error
    except UnicodeDecodeError as error:
        raise VideoInputError("the JSON body is not UTF-8 text", "malformed_json") from error
    except ValueError as error:  # bad syntax, NaN/Infinity, a number of more than 4300 digits
        raise VideoInputError(f"the JSON body is malformed: {quoted(str(error))}", "malformed_json") from error


def _parse_json(body, limits: JsonLimits) -> Payload:
    if not isinstance(body, dict):
        raise VideoInputError(_JSON_SHAPE, "bad_json")
    if body.get("describe") is True:
        return DescribePayload()
    frames = body.get("frames")
    if not isinstance(frames, list) or not all(isinstance(frame, str) for frame in frames):
        raise VideoInputError(_JSON_SHAPE, "bad_json")
    if not frames:
        raise VideoInputError("the frames list is empty", "no_frames")
    if len(frames) > limits.max_frames:
        raise VideoInputError(f"{len(frames)} frames sent, the limit is {limits.max_frames}", "too_many_frames")
    options = {name: body[name] for name in OPTION_FIELDS if name in body}
    return FramesPayload(frames, _read_fps(body), options)


def _decode_base64(text: str, index: int) -> bytes:
    """Plain base64 or a data: URL (what canvas.toDataURL returns)."""
    if text.startswith("data:"):
        header, _, text = text.partition(",")
        if not header.endswith(";base64"):
            raise VideoInputError(f"frame {index}: only base64 data: URLs are accepted", "bad_frame")
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as error:
        raise VideoInputError(f"frame {index} is not valid base64", "bad_frame") from error


def _read_fps(body: dict) -> float | None:
    fps = body.get("fps")
    if fps is None:
        return None
    if isinstance(fps, bool) or not isinstance(fps, (int, float)) or not MIN_FPS <= fps <= MAX_FPS:
        raise VideoInputError(f"fps must be a number in [{MIN_FPS:g}, {MAX_FPS:g}]", "bad_json")
    return float(fps)


def sample_payload(payload: VideoPayload | FramesPayload, count: int, limits: SamplingLimits) -> SampledFrames:
    """Decode and sample through `model.frames`, the one implementation training uses too."""
    if isinstance(payload, VideoPayload):
        return sample_clip(payload.data, count, limits)
    frames = payload.frames
    return sample_encoded_images(len(frames), lambda i: _decode_base64(frames[i], i), count, payload.fps, limits)


def decode_images(payload: FramesPayload, limits: SamplingLimits) -> list:
    """Every frame of a JSON frames request, decoded (RGB uint8), in order, within the request's budgets."""
    frames = payload.frames
    return decode_encoded_images(len(frames), lambda i: _decode_base64(frames[i], i), limits)
