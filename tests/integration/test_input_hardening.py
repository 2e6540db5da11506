"""Issue 11's findings 1, 2, 3 and 6 on the real TorchServe (and proxy): each request here made the
old handler allocate gigabytes, bind sockets, open local files, decode every JSON frame, open any
Pillow format, answer non-JSON, or leak internals in its error text."""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path

import httpx
import pytest
from PIL import Image

from bench.worker_memory import peak_rss_mb, reset_peak_rss, rss_mb
from tests.fixtures.media import SHARED_VIDEOS_DIR
from tests.fixtures.syscalls import traced
from tests.fixtures.torchserve import predict

pytestmark = pytest.mark.slow

ALLOCATION_LIMIT_MB = 100  # what a refused 10-byte body may add to a worker (it was 3 GB)
SDP = b"v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=x\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\nm=video 5004 RTP/AVP 96\r\n"


def png(width: int, height: int, kind: str = "PNG", mode: str = "RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, (width, height), (90, 120, 150) if mode == "RGB" else 1).save(buffer, format=kind)
    return buffer.getvalue()


def frames_body(frames: list[bytes], **extra) -> bytes:
    return json.dumps({"frames": [base64.b64encode(frame).decode() for frame in frames], **extra}).encode()


def worker_growth_mb(torchserve, send) -> tuple[httpx.Response, float]:
    pids = torchserve.worker_pids()
    resting = {pid: rss_mb(pid) for pid in pids}
    reset_peak_rss(pids)
    answer = send()
    return answer, max(peak_rss_mb(pid) - resting[pid] for pid in pids)


def assert_refused(answer: httpx.Response, status: int, code: str) -> dict:
    assert answer.status_code == status, answer.text[:500]
    body = answer.json()
    assert body["code"] == code and body["error"], body
    return body


# --- Finding 1: a JSON value is never turned into bytes(value)


@pytest.mark.parametrize("body", [b"3000000000", b"2e10", b"-1", b"[3000000000]", b"true", b"null", b'"text"'])
def test_a_bare_json_value_is_bad_json_and_allocates_nothing(torchserve, body):
    answer, growth = worker_growth_mb(torchserve, lambda: predict(torchserve, body, "application/json"))
    assert_refused(answer, 400, "bad_json")
    assert growth < ALLOCATION_LIMIT_MB, f"{growth:.0f} MB"


def test_a_json_number_in_a_multipart_part_is_bad_json(torchserve):
    files = {"data": ("n.json", b"3000000000", "application/json")}
    url = f"{torchserve.inference_url}/predictions/deepfake"
    answer, growth = worker_growth_mb(
        torchserve, lambda: httpx.post(url, files=files, headers=torchserve.inference_headers(), timeout=60)
    )
    assert_refused(answer, 400, "bad_json")
    assert growth < ALLOCATION_LIMIT_MB, f"{growth:.0f} MB"


def test_a_json_number_through_the_proxy_is_bad_json(proxy, torchserve):
    send = lambda: httpx.post(  # noqa: E731
        proxy.url + "/api/predict", content=b"3000000000", headers={"Content-Type": "application/json"}, timeout=60
    )
    answer, growth = worker_growth_mb(torchserve, send)
    assert_refused(answer, 400, "bad_json")
    assert growth < ALLOCATION_LIMIT_MB, f"{growth:.0f} MB"


# --- Finding 2: FFmpeg reads the request's bytes and nothing else


def socket_calls(lines: list[str]) -> list[str]:
    return [line for line in lines if "socket(AF_INET" in line or "bind(" in line or "connect(" in line]


def test_sdp_is_refused_without_a_socket_bound(torchserve, tmp_path):
    with traced(torchserve.worker_pids(), tmp_path) as calls:
        answer = predict(torchserve, SDP, "application/sdp")
    assert_refused(answer, 415, "unsupported_container")
    assert "sdp" in answer.json()["error"]
    assert socket_calls(calls.lines()) == []


def worker_folder(torchserve) -> Path:
    return Path(f"/proc/{torchserve.worker_pids()[0]}/cwd").resolve()


def test_concat_and_playlists_open_no_file_and_do_not_tell_which_exist(torchserve, tmp_path):
    present = "deepfake.pth"  # in every worker's working directory (the unpacked .mar)
    assert (worker_folder(torchserve) / present).is_file()
    bodies = {
        "ffconcat, a file that exists": f"ffconcat version 1.0\nfile {present}\n".encode(),
        "ffconcat, a file that does not": b"ffconcat version 1.0\nfile missing-clip.mp4\n",
        "hls": b"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\n" + present.encode() + b"\n#EXT-X-ENDLIST\n",
        "dash": b'<?xml version="1.0"?>\n<MPD xmlns="urn:mpeg:dash:schema:mpd:2011"><BaseURL>'
        + present.encode()
        + b"</BaseURL></MPD>",
    }
    with traced(torchserve.worker_pids(), tmp_path) as calls:
        answers = {name: predict(torchserve, body) for name, body in bodies.items()}
    for answer in answers.values():
        assert_refused(answer, 415, "unsupported_container")
    concat = [answers[name].json()["error"] for name in bodies if name.startswith("ffconcat")]
    assert concat[0] == concat[1], "the answer tells whether a local file exists"
    opened = [line for line in calls.lines() if present in line or "missing-clip" in line]
    assert opened == [], opened
    assert socket_calls(calls.lines()) == []


# --- Finding 3: JSON frames are chosen first, decoded within a budget, in the documented formats only


def test_256_frames_at_the_pixel_limit_stop_at_the_request_budget(torchserve):
    body = frames_body([png(3840, 2160, mode="1")] * 256)  # ~6 GB decoded by the old handler, 35 s
    assert len(body) < 3 * 2**20
    answer, growth = worker_growth_mb(torchserve, lambda: predict(torchserve, body, "application/json"))
    body = assert_refused(answer, 413, "too_many_pixels")
    assert "budget" in body["error"]
    assert growth < 300, f"{growth:.0f} MB"


def test_many_small_frames_are_sampled_to_sixteen(torchserve):
    answer = predict(torchserve, frames_body([png(64, 48)] * 256, fps=8), "application/json")
    assert answer.status_code == 200, answer.text
    frames = answer.json()["frames"]
    assert frames["count"] == 16 and len(set(frames["indices"])) == 16 and max(frames["indices"]) < 256


@pytest.mark.parametrize("kind", ["TIFF", "ICO", "PCX", "GIF", "PPM"])
def test_frames_in_other_image_formats_are_refused(torchserve, kind):
    answer = predict(torchserve, frames_body([png(32, 32, kind)]), "application/json")
    body = assert_refused(answer, 400, "undecodable_image")
    assert "PNG, JPEG, WebP or BMP" in body["error"]


def test_an_eps_frame_is_not_even_identified(torchserve):
    """Pillow hands EPS to Ghostscript where it is installed; here it is no format at all."""
    eps = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n(x) print\nshowpage\n"
    body = assert_refused(predict(torchserve, frames_body([eps]), "application/json"), 400, "undecodable_image")
    assert "PNG, JPEG, WebP or BMP" in body["error"]


# --- Finding 6: finite numbers only, and errors in the client's terms


def strict_json(text: str):
    def refuse(name):
        raise AssertionError(f"{name} in the answer is not JSON")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize("fps", [1e-310, 1e-5, 0, -1, 1e308])
def test_an_fps_that_would_give_infinity_is_refused(torchserve, fps):
    answer = predict(torchserve, frames_body([png(16, 16)], fps=fps), "application/json")
    assert_refused(answer, 400, "bad_json")
    strict_json(answer.text)


@pytest.mark.parametrize("literal", [b"NaN", b"Infinity", b"1e999"])
def test_non_finite_json_numbers_are_malformed(torchserve, literal):
    body = frames_body([png(16, 16)])[:-1] + b', "fps": ' + literal + b"}"
    assert_refused(predict(torchserve, body, "application/json"), 400, "malformed_json")


def test_a_small_fps_still_gives_a_finite_answer(torchserve):
    answer = predict(torchserve, frames_body([png(16, 16)] * 4, fps=2e-4), "application/json")
    assert answer.status_code == 200, answer.text
    assert strict_json(answer.text)["video"]["duration_s"] == pytest.approx(4 / 2e-4)


def damaged_videos() -> dict[str, bytes]:
    mp4 = (SHARED_VIDEOS_DIR / "sample-mp4.mp4").read_bytes()
    return {
        "truncated mp4": mp4[:3000],
        "mp4 without its moov": mp4.replace(b"moov", b"xxxx"),
        "not an image": frames_body([b"\x89PNG\r\n\x1a\n" + bytes(40)]),
        "text": b"hello, not a video\n" * 10,
    }


@pytest.mark.parametrize("name", list(damaged_videos()))
def test_errors_name_the_problem_without_internals(torchserve, name):
    body = damaged_videos()[name]
    answer = predict(torchserve, body, "application/json" if body.startswith(b"{") else "video/mp4")
    assert 400 <= answer.status_code < 500, answer.text
    message = answer.json()["error"]
    for internal in ("0x", "BytesIO", "object at", "Errno", "last error log", "[mov", "<none>", "Traceback"):
        assert internal not in message, message


def test_field_names_echoed_in_an_error_are_capped(torchserve):
    """Two long multipart field names: the old handler echoed them all (past max_response_size it lost the worker)."""
    files = {"a" * 100_000: ("a", b"1"), "b" * 100_000: ("b", b"2")}
    url = f"{torchserve.inference_url}/predictions/deepfake"
    answer = httpx.post(url, files=files, headers=torchserve.inference_headers(), timeout=60)
    assert_refused(answer, 400, "missing_field")
    assert len(answer.content) < 1000
