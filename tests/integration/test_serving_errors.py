"""Bad inputs get a 4xx JSON error with a reason, and the server answers a good request right after."""

from __future__ import annotations

import base64
import os
import zlib

import httpx
import pytest

from tests.fixtures.media import SHARED_VIDEOS_DIR, wav_bytes
from tests.fixtures.torchserve import predict

GOOD_VIDEO = SHARED_VIDEOS_DIR / "carphone_pristine.mp4"
MP4 = SHARED_VIDEOS_DIR / "sample-mp4.mp4"


def mp4_with_zeroed_frames() -> bytes:
    """A valid container whose every video packet is zeros: nothing decodes."""
    data = bytearray(MP4.read_bytes())
    box = data.find(b"mdat")
    size = int.from_bytes(data[box - 4 : box], "big")
    data[box + 4 : box - 4 + size] = bytes(size - 8)
    return bytes(data)


BAD_INPUTS = {
    "empty body": (b"", "application/octet-stream"),
    "random bytes": (os.urandom(4096), "application/octet-stream"),
    "truncated mp4": (MP4.read_bytes()[:20000], "video/mp4"),
    "text file": (b"these are not the frames you are looking for\n" * 20, "text/plain"),
    "wav audio": (wav_bytes(), "audio/wav"),
    "malformed json": (b'{"frames": ["abc"', "application/json"),
    "json frames not images": (
        b'{"frames": ["' + base64.b64encode(b"hello, not a picture") + b'"]}',
        "application/json",
    ),
    "json frames not base64": (b'{"frames": ["%%%"]}', "application/json"),
    "json without frames": (b'{"video": 1}', "application/json"),
    "zero decodable frames": (mp4_with_zeroed_frames(), "video/mp4"),
}


@pytest.mark.parametrize("route", ["predictions", "explanations"])
@pytest.mark.parametrize("name", list(BAD_INPUTS))
def test_bad_input_gets_a_4xx_reason_and_the_server_goes_on(torchserve, name, route):
    body, content_type = BAD_INPUTS[name]
    response = predict(torchserve, body, content_type, route)
    assert 400 <= response.status_code < 500, f"{name}: {response.status_code} {response.text}"
    error = response.json()
    assert error["error"] and error["code"], error
    good = predict(torchserve, GOOD_VIDEO.read_bytes(), route=route)
    assert good.status_code == 200, good.text


def test_bad_request_in_a_batch_does_not_fail_its_neighbours(torchserve):
    bodies = [GOOD_VIDEO.read_bytes(), b"", GOOD_VIDEO.read_bytes(), os.urandom(2048)] * 2
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        responses = list(pool.map(lambda body: predict(torchserve, body), bodies))
    statuses = [response.status_code for response in responses]
    assert statuses == [200, 400, 200, 400] * 2, statuses


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")


def huge_png_header(side: int) -> bytes:
    """A PNG that claims side x side pixels (its pixel data is never reached)."""
    ihdr = side.to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0])
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", zlib.compress(b""))
        + png_chunk(b"IEND", b"")
    )


def test_frames_over_the_pixel_limit_get_413(torchserve):
    png = huge_png_header(5_000)  # 25 Mpx: over the 4K limit, under PIL's own bomb guard
    response = httpx.post(
        f"{torchserve.inference_url}/predictions/deepfake",
        json={"frames": [base64.b64encode(png).decode()]},
        headers=torchserve.inference_headers(),
        timeout=30,
    )
    assert response.status_code == 413, response.text
    assert response.json()["code"] == "too_many_pixels"
